import type { Redis } from 'ioredis';
import type { Kv } from './contract.js';
import { deleteMatching } from './redis-delete-matching.js';
import { defineScript } from './redis-script.js';

// INCRBY and the TTL must be one step: a crash between them would leave a counter that never expires.
const incrWithTtl = defineScript(`
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`);

/** Redis Kv. The connection belongs to the caller (storage closes it); `close` is a no-op here. */
export function createRedisKv(redis: Redis, prefix: string): Kv {
  const k = (key: string) => prefix + key;
  return {
    kind: 'redis',

    get: (key) => redis.get(k(key)),

    async set(key, value, options = {}) {
      const { ttlMs, ifAbsent } = options;
      const reply =
        ttlMs !== undefined && ifAbsent ? await redis.set(k(key), value, 'PX', ttlMs, 'NX')
        : ttlMs !== undefined ? await redis.set(k(key), value, 'PX', ttlMs)
        : ifAbsent ? await redis.set(k(key), value, 'NX')
        : await redis.set(k(key), value);
      return reply === 'OK';
    },

    async del(key) {
      await redis.del(k(key));
    },

    async incr(key, options = {}) {
      return Number(await incrWithTtl(redis, [k(key)], [options.by ?? 1, options.ttlMs ?? 0]));
    },

    async ttl(key) {
      const ms = await redis.pttl(k(key));
      return ms < 0 ? null : ms;
    },

    deleteMatching: (fragment) => deleteMatching(redis, prefix, fragment),

    async close() {},
  };
}
