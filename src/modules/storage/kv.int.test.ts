import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { kvContract } from './kv.contract.js';
import { createMemoryKv } from './kv-memory.js';
import { createRedisKv } from './kv-redis.js';
import { deletePrefix } from '../../../test/support/redis-keys.js';
import { TEST_REDIS_URL as REDIS_URL } from '../../../test/support/env.js';

kvContract('memory', async () => {
  const kv = createMemoryKv();
  return { kv, dispose: () => kv.close() };
});

kvContract('redis', async () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `test:kv:${randomUUID()}:`;
  const kv = createRedisKv(redis, prefix);
  return {
    kv,
    dispose: async () => {
      await kv.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
});
