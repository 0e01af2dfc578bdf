import type { Redis } from 'ioredis';
import { ACTIVE_MS, type LiveCounters, liveChanges, SLICE_MS, SLICES, sliceOf } from './live-counters.js';

/**
 * The same figures in Redis, shared by every instance: a counter per tenant and 10-second slice
 * (expiring on its own) and a sorted set of active conversations scored by their last message.
 */
export function createRedisLiveCounters(redis: Redis, prefix: string): LiveCounters {
  const sliceKey = (tenantId: string, slice: number) => `${prefix}analytics:live:messages:${tenantId}:${slice}`;
  const activeKey = (tenantId: string) => `${prefix}analytics:live:active:${tenantId}`;
  return {
    async record(events) {
      const changes = liveChanges(events);
      const batch = redis.multi();
      for (const [tenantId, slices] of changes.messages) {
        for (const [slice, n] of slices) batch.incrby(sliceKey(tenantId, slice), n).pexpire(sliceKey(tenantId, slice), SLICE_MS * (SLICES + 1));
      }
      for (const { tenantId, conversationId, ms } of changes.activity) {
        if (ms === null) batch.zrem(activeKey(tenantId), conversationId);
        else batch.zadd(activeKey(tenantId), 'GT', ms, conversationId).pexpire(activeKey(tenantId), ACTIVE_MS);
      }
      await batch.exec();
    },
    async read(tenantId, nowMs) {
      const current = sliceOf(nowMs);
      const keys = Array.from({ length: SLICES }, (_, i) => sliceKey(tenantId, current - i));
      const [counts, , active] = await Promise.all([
        redis.mget(keys),
        redis.zremrangebyscore(activeKey(tenantId), '-inf', nowMs - ACTIVE_MS),
        redis.zcard(activeKey(tenantId)),
      ]);
      return { messagesLastMinute: counts.reduce((sum, n) => sum + Number(n ?? 0), 0), activeConversations: active };
    },
  };
}
