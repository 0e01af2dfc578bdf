/** Time arrives as a dependency so that tests control it instead of patching globals. */
export interface Clock {
  now(): number;
  isoNow(): string;
}

/** The last millisecond formatted: a turn asks for the time as text many times (each trace event has it), mostly within one millisecond. */
let formattedMs = Number.NaN;
let formatted = '';

export const systemClock: Clock = {
  now: () => Date.now(),
  isoNow: () => {
    const ms = Date.now();
    if (ms !== formattedMs) {
      formattedMs = ms;
      formatted = new Date(ms).toISOString();
    }
    return formatted;
  },
};
