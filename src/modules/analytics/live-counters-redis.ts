import type { Redis } from 'ioredis';
import { ACTIVE_MS, type ActivityChange, type LiveCounters, liveChanges, SLICE_MS, SLICES, sliceOf } from './live-counters.js';

/** Per tenant, each conversation's last change in event order (null: it ended or went to a person). */
function latestActivity(activity: readonly ActivityChange[]): Map<string, Map<string, number | null>> {
  const byTenant = new Map<string, Map<string, number | null>>();
  for (const { tenantId, conversationId, ms } of activity) {
    const latest = byTenant.get(tenantId) ?? new Map<string, number | null>();
    latest.delete(conversationId);
    latest.set(conversationId, ms);
    byTenant.set(tenantId, latest);
  }
  return byTenant;
}

/**
 * The same figures in Redis, shared by every instance: a counter per tenant and 10-second slice
 * (expiring on its own) and a sorted set of active conversations scored by their last message.
 */
export function createRedisLiveCounters(redis: Redis, prefix: string): LiveCounters {
  const sliceKey = (tenantId: string, slice: number) => `${prefix}analytics:live:messages:${tenantId}:${slice}`;
  const activeKey = (tenantId: string) => `${prefix}analytics:live:active:${tenantId}`;
  return {
    async record(turns) {
      const changes = liveChanges(turns);
      const batch = redis.multi();
      for (const [tenantId, slices] of changes.messages) {
        for (const [slice, n] of slices) batch.incrby(sliceKey(tenantId, slice), n).pexpire(sliceKey(tenantId, slice), SLICE_MS * (SLICES + 1));
      }
      // One ZADD and one ZREM per tenant and batch, not one per message: only a conversation's last
      // change in the batch counts, as it would if they were applied one by one.
      for (const [tenantId, latest] of latestActivity(changes.activity)) {
        const added = [...latest].filter(([, ms]) => ms !== null).flatMap(([conversationId, ms]) => [ms!, conversationId]);
        const removed = [...latest].filter(([, ms]) => ms === null).map(([conversationId]) => conversationId);
        if (added.length > 0) batch.zadd(activeKey(tenantId), 'GT', ...added).pexpire(activeKey(tenantId), ACTIVE_MS);
        if (removed.length > 0) batch.zrem(activeKey(tenantId), ...removed);
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
