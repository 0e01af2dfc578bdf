import { describe, expect, it } from 'vitest';
import { retryDelay } from './retry.js';

const policy = { maxRetries: 3, baseMs: 100, maxMs: 1000 };

describe('retryDelay', () => {
  it('backs off exponentially with full jitter under the cap', () => {
    expect(retryDelay(policy, 0, () => 0.999)).toBe(99);
    expect(retryDelay(policy, 2, () => 0.5)).toBe(200);
    expect(retryDelay({ ...policy, maxRetries: 10 }, 6, () => 0.999)).toBe(999);
    expect(retryDelay(policy, 1, () => 0)).toBe(0);
  });

  it('stops after the last retry', () => {
    expect(retryDelay(policy, 3, () => 0.5)).toBeNull();
    expect(retryDelay({ ...policy, maxRetries: 0 }, 0, () => 0.5)).toBeNull();
  });

  it('honours Retry-After, and gives up on waits longer than the cap', () => {
    expect(retryDelay(policy, 0, () => 0.5, 750)).toBe(750);
    expect(retryDelay(policy, 0, () => 0.5, 0)).toBe(0);
    expect(retryDelay(policy, 0, () => 0.5, 1001)).toBeNull();
  });
});
