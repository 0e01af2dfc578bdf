import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('doubles per attempt, between half and all of the ceiling', () => {
    expect(reconnectDelay(0, 0)).toBe(250);
    expect(reconnectDelay(0, 1)).toBe(500);
    expect(reconnectDelay(3, 0)).toBe(2000);
    expect(reconnectDelay(3, 1)).toBe(4000);
  });

  it('stops growing at the maximum, even after very many attempts', () => {
    expect(reconnectDelay(10, 1)).toBe(30_000);
    expect(reconnectDelay(5000, 0.5)).toBe(22_500);
  });
});
