import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import type { LockHandle, Locks } from './contract.js';
import { locksContract } from './locks.contract.js';
import { createMemoryLocks } from './locks-memory.js';
import { createRedisLocks } from './locks-redis.js';
import { deletePrefix } from '../../../test/support/redis-keys.js';
import { TEST_REDIS_URL as REDIS_URL } from '../../../test/support/env.js';

const defaults = { ttlMs: 5_000, waitMs: 2_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One "process": its own connection and Locks instance on a shared prefix. */
function redisProcess(prefix: string) {
  const redis = new Redis(REDIS_URL);
  const locks = createRedisLocks({ redis, prefix, defaults, logger: silentLogger() });
  return {
    redis,
    locks,
    stop: async () => {
      await locks.close();
      await redis.quit();
    },
  };
}

locksContract('memory', async () => {
  const locks = createMemoryLocks(defaults);
  return { locks, dispose: () => locks.close() };
});

locksContract('redis', async () => {
  const prefix = `test:locks:${randomUUID()}:`;
  const instance = redisProcess(prefix);
  return {
    locks: instance.locks,
    dispose: async () => {
      await instance.locks.close();
      await deletePrefix(instance.redis, prefix);
      await instance.redis.quit();
    },
  };
});

describe('Redis locks across processes', () => {
  let prefix: string;
  let cleaner: Redis;
  const started: { stop: () => Promise<void> }[] = [];
  const start = () => {
    const instance = redisProcess(prefix);
    started.push(instance);
    return instance;
  };

  beforeEach(() => {
    prefix = `test:locks:${randomUUID()}:`;
    cleaner = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.allSettled(started.splice(0).map((instance) => instance.stop()));
    await deletePrefix(cleaner, prefix);
    await cleaner.quit();
  });

  it('reads a key as the lock is granted, in the same round trip', async () => {
    const { locks, redis } = start();
    await redis.set(`${prefix}cache:k`, 'cached value');
    const first = await locks.acquire('with-read', { read: 'cache:k' });
    expect(first.read).toBe('cached value');
    await first.release();
    const absent = await locks.acquire('with-read', { read: 'cache:missing' });
    expect(absent.read).toBeNull();
    await absent.release();
    const plain = await locks.acquire('with-read');
    expect(plain.read).toBeUndefined();
    await plain.release();
  });

  it('two instances never overlap and lose no update', async () => {
    const instances: Locks[] = [start().locks, start().locks];
    let counter = 0;
    let inside = 0;
    let overlaps = 0;
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const lock = await (instances[i % 2] as Locks).acquire('shared', { waitMs: 30_000 });
        if (++inside > 1) overlaps += 1;
        const read = counter;
        await sleep(Math.random() * 2);
        counter = read + 1;
        inside -= 1;
        await lock.release();
      }),
    );
    expect(counter).toBe(100);
    expect(overlaps).toBe(0);
  });

  it('grants in the order waiters queued in Redis', async () => {
    const [a, b, c] = [start().locks, start().locks, start().locks];
    const order: string[] = [];
    const take = (locks: Locks, name: string) =>
      locks.acquire('order', { waitMs: 10_000 }).then(async (lock: LockHandle) => {
        order.push(name);
        await lock.release();
      });
    const holder = await a.acquire('order');
    const b1 = take(b, 'b1');
    await sleep(50);
    const c1 = take(c, 'c1');
    await sleep(50);
    // b2 queues behind b1 in its process and enters the Redis queue after c1.
    const b2 = take(b, 'b2');
    await sleep(50);
    await holder.release();
    await Promise.all([b1, c1, b2]);
    expect(order).toEqual(['b1', 'c1', 'b2']);
  });

  it('a crashed holder loses the lock when its TTL runs out', async () => {
    const dying = start();
    const survivor = start();
    await dying.locks.acquire('crash', { ttlMs: 200 });
    await dying.stop();
    const before = Date.now();
    const taken = await survivor.locks.acquire('crash', { waitMs: 3_000 });
    expect(Date.now() - before).toBeGreaterThanOrEqual(100);
    await taken.release();
  });

  it('skips a waiter whose process crashed while queued', async () => {
    const holder = start();
    const crashing = start();
    const waiting = start();
    const lock = await holder.locks.acquire('skip');
    const lostWaiter = crashing.locks.acquire('skip', { waitMs: 10_000 }).catch((error: unknown) => error);
    await sleep(50);
    const next = waiting.locks.acquire('skip', { waitMs: 10_000 });
    await sleep(50);
    crashing.redis.disconnect();
    await lock.release();
    // The crashed waiter queued first; it is skipped once its heartbeat runs out.
    const granted = await next;
    await granted.release();
    expect(await lostWaiter).toBeInstanceOf(Error);
  });
});
