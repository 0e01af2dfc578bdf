import type { Clock } from '../../src/shared/clock.js';

/** A clock that tests move by hand (XState's SimulatedClock idea): expiry without sleeping. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    isoNow: () => new Date(now).toISOString(),
    advance(ms: number) {
      now += ms;
    },
  };
}
