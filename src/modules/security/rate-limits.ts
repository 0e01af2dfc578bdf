import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Kv } from '../storage/contract.js';
import type { RateLimitResult } from './contract.js';
import { createSharedCounters } from './shared-counters.js';

/**
 * Fixed-window counters shared through the key-value store (Redis in server mode, so every
 * instance counts together; memory when embedded), counted write-behind so that a check costs no
 * round trip on the request's path (shared-counters.ts). The window edge lets a burst of up to
 * twice the limit through, which is acceptable for abuse protection.
 */
export function createRateLimiter(deps: { kv: Kv; clock: Clock; onError: (error: unknown) => void }) {
  const { clock } = deps;
  const counters = createSharedCounters({ kv: deps.kv, now: () => clock.now(), onError: deps.onError });
  return {
    async consume(bucket: string, limit: number, windowMs: number): Promise<RateLimitResult> {
      const window = Math.floor(clock.now() / windowMs);
      const count = await counters.increment(`rate_limit:${bucket}:${window}`, windowMs + 1000);
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        retryAfterMs: (window + 1) * windowMs - clock.now(),
      };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

const DAY_MS = 24 * 3600_000;

/** Throws rate_limited once the tenant has received its daily quota of messages (0 = unlimited). */
export async function consumeDailyQuota(limiter: RateLimiter, tenantId: string, quota: number): Promise<void> {
  if (quota <= 0) return;
  const result = await limiter.consume(`quota:messages:${tenantId}`, quota, DAY_MS);
  if (!result.allowed) {
    throw new AppError('rate_limited', `This workspace has used its ${quota} messages for today; the quota resets at midnight UTC.`, {
      details: { retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000) },
    });
  }
}
