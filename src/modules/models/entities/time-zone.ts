/**
 * Wall-clock arithmetic in an IANA time zone with only `Intl`. chrono takes a fixed UTC offset, so
 * these helpers supply it and turn its instants back into the user's local date and time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone if `Intl` knows it, else UTC: a bad setting must not fail the turn. */
export function checkedTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    formatterFor(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

export interface WallClock {
  date: string;
  time: string;
  seconds: string;
  /** Minutes east of UTC at that instant. */
  offset: number;
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const { year, month, day, hour, minute, second } = parts;
  const asUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const offset = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  return { date: `${year}-${month}-${day}`, time: `${hour}:${minute}`, seconds: second ?? '00', offset };
}

export function offsetMinutes(instant: Date, timeZone: string): number {
  return wallClock(instant, timeZone).offset;
}

/** "2026-11-30T17:00:00+01:00"; "Z" in UTC. */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const clock = wallClock(instant, timeZone);
  const sign = clock.offset < 0 ? '-' : '+';
  const abs = Math.abs(clock.offset);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const suffix = clock.offset === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${clock.date}T${clock.time}:${clock.seconds}${suffix}`;
}
