import { describe, expect, it } from 'vitest';
import { nextDelayMs } from './backoff.js';

const settings = { baseMs: 100, maxMs: 1000 };

describe('nextDelayMs', () => {
  it('grows exponentially with jitter and stops at the cap', () => {
    expect(nextDelayMs(1, settings, undefined, () => 0)).toBe(50);
    expect(nextDelayMs(1, settings, undefined, () => 1)).toBe(100);
    expect(nextDelayMs(3, settings, undefined, () => 1)).toBe(400);
    expect(nextDelayMs(10, settings, undefined, () => 1)).toBe(1000);
  });

  it('never comes back before Retry-After', () => {
    expect(nextDelayMs(1, settings, 30_000, () => 1)).toBe(30_000);
    expect(nextDelayMs(1, settings, 10, () => 1)).toBe(100);
  });

  it('caps an absurd Retry-After at an hour', () => {
    expect(nextDelayMs(1, settings, 10 * 24 * 3600_000, () => 0)).toBe(3600_000);
  });
});
