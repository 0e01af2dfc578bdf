import type { ChainableCommander, Redis } from 'ioredis';
import type { Counters } from './contract.js';
import { deleteMatching } from './redis-delete-matching.js';

/** A MULTI's replies; EXEC reports a failed command in its reply instead of rejecting. */
async function exec(batch: ChainableCommander): Promise<unknown[]> {
  const replies = await batch.exec();
  if (!replies) throw new Error('storage: a Redis transaction was aborted');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/**
 * Redis counters: a counter is a string key (INCRBY), a "last seen" set a sorted set scored by time.
 * The connection belongs to the caller (storage closes it); `close` is a no-op here.
 */
export function createRedisCounters(redis: Redis, prefix: string): Counters {
  const k = (key: string) => prefix + key;
  return {
    kind: 'redis',

    async add(changes) {
      if (changes.length === 0) return;
      const batch = redis.multi();
      for (const { key, by, ttlMs } of changes) batch.incrby(k(key), by).pexpire(k(key), ttlMs);
      await exec(batch);
    },

    async read(keys) {
      if (keys.length === 0) return [];
      return (await redis.mget(keys.map(k))).map((value) => Number(value ?? 0));
    },

    async markSeen(key, sightings, ttlMs) {
      if (sightings.length === 0) return;
      // GT: a sighting never moves a member back in time (batches may arrive out of order).
      await exec(redis.multi().zadd(k(key), 'GT', ...sightings.flatMap(({ member, at }) => [at, member])).pexpire(k(key), ttlMs));
    },

    async unmark(key, members) {
      if (members.length > 0) await redis.zrem(k(key), ...members);
    },

    async countSeenAfter(key, afterMs) {
      const [, count] = await exec(redis.multi().zremrangebyscore(k(key), '-inf', afterMs).zcard(k(key)));
      return Number(count);
    },

    deleteMatching: (fragment) => deleteMatching(redis, prefix, fragment),

    async close() {},
  };
}
