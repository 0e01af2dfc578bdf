import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../shared/circuit-breaker.js';
import { backoffMs } from './backoff.js';
import { createTenantLimiter } from './tenant-limiter.js';

const manualClock = () => {
  let now = 0;
  return { now: () => now, isoNow: () => new Date(now).toISOString(), advance: (ms: number) => (now += ms) };
};

describe('circuit breaker', () => {
  it('opens after the threshold, allows one half-open probe, and closes on its success', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 }, clock);
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('frees the probe slot after a neutral outcome', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10 }, clock);
    breaker.onFailure();
    clock.advance(10);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onNeutral();
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('backoff', () => {
  it('grows exponentially under full jitter, capped, honouring Retry-After', () => {
    const top = (attempt: number) => backoffMs(attempt, { baseMs: 100, capMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4].map(top)).toEqual([99, 199, 399, 799, 999]);
    expect(backoffMs(0, { baseMs: 100, capMs: 1000, random: () => 0 })).toBe(0);
    expect(backoffMs(0, { baseMs: 100, capMs: 1000, random: () => 0, retryAfterMs: 700 })).toBe(700);
    expect(backoffMs(0, { baseMs: 100, capMs: 1000, random: () => 0, retryAfterMs: 60_000 })).toBe(1000);
  });
});

describe('tenant limiter', () => {
  it('holds calls beyond the limit per tenant, in order, and fails them at their deadline', async () => {
    const limiter = createTenantLimiter(1);
    const never = new AbortController().signal;
    const first = await limiter.acquire('a', never);
    const other = await limiter.acquire('b', never); // another tenant is not held up
    const order: string[] = [];
    const second = limiter.acquire('a', never).then((release) => (order.push('second'), release));
    const timedOut = new AbortController();
    const third = limiter.acquire('a', timedOut.signal);
    timedOut.abort();
    await expect(third).rejects.toMatchObject({ code: 'integration_busy' });
    expect(order).toEqual([]);
    first();
    (await second)();
    expect(order).toEqual(['second']);
    other();
    const again = await limiter.acquire('a', never);
    again();
  });
});
