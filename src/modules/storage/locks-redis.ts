import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { LockHandle, Locks } from './contract.js';
import { busyError, closedError, type LockDefaults, renewEvery, resolveLockOptions } from './lock-options.js';
import { lockKeys, pollLock, releaseLock, renewLock } from './locks-redis-scripts.js';

// A waiter silent this long is taken for crashed and skipped; it polls every 5–25 ms while alive.
const HEARTBEAT_MS = 2_000;
const pollDelay = () => 5 + Math.random() * 20;

interface Waiter {
  deadline: number;
  ttlMs: number;
  /** A key-value key (unprefixed) to read when the lock is granted. */
  read: string | undefined;
  timer: NodeJS.Timeout;
  resolve: (handle: LockHandle) => void;
  reject: (error: unknown) => void;
}

/** Per key in this process: waiters in call order; only the head contends in Redis. */
interface LocalQueue {
  waiters: Waiter[];
  contending: boolean;
  /** Ends the contender's sleep early, when a holder in this process releases. */
  wake?: () => void;
}

export interface RedisLocksDeps {
  redis: Redis;
  prefix: string;
  defaults: LockDefaults;
  logger: Logger;
}

/**
 * Redis locks: FIFO across processes through a Redis queue, mutual exclusion by a lock key with a
 * TTL renewed while held. The connection belongs to the caller;
 * `close` stops this instance's timers and waiters but leaves held locks to expire by TTL, as a
 * crashed process would.
 */
export function createRedisLocks({ redis, prefix, defaults, logger }: RedisLocksDeps): Locks {
  const queues = new Map<string, LocalQueue>();
  const renewals = new Set<NodeJS.Timeout>();
  const contenders = new Set<Promise<void>>();
  let closed = false;

  const sleep = (local: LocalQueue, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        local.wake = undefined;
        resolve();
      }
      local.wake = done;
    });

  function hold(key: string, token: string, ttlMs: number, sentAt: number, read: string | null | undefined): LockHandle {
    const keys = lockKeys(prefix, key);
    let confirmedAt = sentAt;
    let lost = false;
    let released = false;
    let renewing = false;
    // The server's TTL started after `sentAt`, so once a whole TTL passed unconfirmed it may be gone.
    const isLost = () => (lost ||= Date.now() - confirmedAt >= ttlMs);

    const renewal = setInterval(async () => {
      if (renewing) return;
      if (isLost()) return stop();
      renewing = true;
      const attemptAt = Date.now();
      try {
        if ((await renewLock(redis, [keys.lock], [token, ttlMs])) === 1) confirmedAt = attemptAt;
        else {
          lost = true;
          stop();
        }
      } catch (error) {
        logger.warn({ err: error, key }, 'storage: lock renewal failed; will retry until the TTL runs out');
      } finally {
        renewing = false;
      }
    }, renewEvery(ttlMs));
    renewal.unref();
    renewals.add(renewal);
    function stop() {
      clearInterval(renewal);
      renewals.delete(renewal);
    }

    return {
      read,
      get lost() {
        return isLost();
      },
      async release() {
        if (released) return;
        released = true;
        stop();
        try {
          await releaseLock(redis, [keys.lock], [token]);
        } catch (error) {
          logger.warn({ err: error, key }, 'storage: lock release failed; the lock will expire by its TTL');
        }
        queues.get(key)?.wake?.();
      },
    };
  }

  async function contend(key: string, local: LocalQueue, waiter: Waiter) {
    const keys = lockKeys(prefix, key);
    const token = randomUUID();
    const leave = async () => {
      await redis.multi().zrem(keys.queue, token).zrem(keys.alive, token).exec();
    };
    try {
      for (;;) {
        if (closed) throw closedError();
        const sentAt = Date.now();
        const keyList = [keys.lock, keys.queue, keys.alive, keys.ticket, ...(waiter.read === undefined ? [] : [prefix + waiter.read])];
        const [granted, value] = (await pollLock(redis, keyList, [token, waiter.ttlMs, HEARTBEAT_MS])) as [number, string | null | undefined];
        if (granted === 1) return waiter.resolve(hold(key, token, waiter.ttlMs, sentAt, waiter.read === undefined ? undefined : (value ?? null)));
        if (Date.now() >= waiter.deadline) {
          await leave();
          return waiter.reject(busyError());
        }
        await sleep(local, pollDelay());
      }
    } catch (error) {
      // The last poll may have reached Redis and granted the lock before failing: undo both.
      await Promise.allSettled([leave(), releaseLock(redis, [keys.lock], [token])]);
      waiter.reject(error);
    }
  }

  function pump(key: string) {
    const local = queues.get(key);
    if (!local || local.contending) return;
    const head = local.waiters.shift();
    if (!head) {
      queues.delete(key);
      return;
    }
    clearTimeout(head.timer);
    local.contending = true;
    const run = contend(key, local, head).finally(() => {
      contenders.delete(run);
      local.contending = false;
      pump(key);
    });
    contenders.add(run);
  }

  return {
    acquire(key, options) {
      if (closed) return Promise.reject(closedError());
      const { ttlMs, waitMs } = resolveLockOptions(defaults, options);
      const read = options?.read;
      let local = queues.get(key);
      if (!local) queues.set(key, (local = { waiters: [], contending: false }));
      const waiters = local.waiters;
      return new Promise<LockHandle>((resolve, reject) => {
        const waiter: Waiter = {
          deadline: Date.now() + waitMs,
          ttlMs,
          read,
          // Fires only while waiting behind this process's contender, which clears it on its turn.
          timer: setTimeout(() => {
            const index = waiters.indexOf(waiter);
            if (index >= 0) waiters.splice(index, 1);
            reject(busyError());
          }, waitMs),
          resolve,
          reject,
        };
        waiters.push(waiter);
        pump(key);
      });
    },

    async close() {
      closed = true;
      for (const renewal of renewals) clearInterval(renewal);
      renewals.clear();
      for (const local of queues.values()) {
        for (const waiter of local.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(closedError());
        }
        local.wake?.();
      }
      await Promise.allSettled([...contenders]);
    },
  };
}
