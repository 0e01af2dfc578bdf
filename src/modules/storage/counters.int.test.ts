import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { countersContract } from './counters.contract.js';
import { createMemoryCounters } from './counters-memory.js';
import { createRedisCounters } from './counters-redis.js';
import { deletePrefix } from '../../../test/support/redis-keys.js';
import { TEST_REDIS_URL as REDIS_URL } from '../../../test/support/env.js';

countersContract('memory', async () => {
  const counters = createMemoryCounters();
  return { counters, dispose: () => counters.close() };
});

countersContract('redis', async () => {
  const redis = new Redis(REDIS_URL);
  // Glob characters in the prefix must match literally when deleting by fragment.
  const prefix = `test:counters:[${randomUUID()}]*:`;
  const counters = createRedisCounters(redis, prefix);
  return {
    counters,
    dispose: async () => {
      await counters.close();
      await deletePrefix(redis, prefix.replace(/[*?[\]\\]/g, '\\$&'));
      await redis.quit();
    },
  };
});
