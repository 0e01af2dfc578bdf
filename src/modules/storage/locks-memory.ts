import type { LockHandle, Locks } from './contract.js';
import { busyError, closedError, type LockDefaults, renewEvery, resolveLockOptions } from './lock-options.js';

interface Waiter {
  ttlMs: number;
  grant: (handle: LockHandle) => void;
  fail: (error: Error) => void;
}

interface KeyState {
  holder?: { token: object; expiresAt: number; expiry: NodeJS.Timeout };
  queue: Waiter[];
}

/**
 * In-process locks for embedded mode: a FIFO queue per key. The TTL still matters here: a holder
 * whose renewals stop (an event loop blocked past the TTL) loses the lock to the next waiter.
 */
export function createMemoryLocks(defaults: LockDefaults): Locks {
  const keys = new Map<string, KeyState>();
  const renewals = new Set<NodeJS.Timeout>();
  let closed = false;

  const state = (key: string): KeyState => {
    let found = keys.get(key);
    if (!found) keys.set(key, (found = { queue: [] }));
    return found;
  };

  const free = (key: string, s: KeyState) => {
    if (s.holder) clearTimeout(s.holder.expiry);
    s.holder = undefined;
    const next = s.queue.shift();
    if (next) grant(key, s, next);
    else keys.delete(key);
  };

  const expireAt = (key: string, s: KeyState, ttlMs: number) => setTimeout(() => free(key, s), ttlMs).unref();

  function grant(key: string, s: KeyState, waiter: Waiter) {
    const token = {};
    s.holder = { token, expiresAt: Date.now() + waiter.ttlMs, expiry: expireAt(key, s, waiter.ttlMs) };
    const ours = () => s.holder?.token === token && s.holder.expiresAt > Date.now();
    let lost = false;
    let released = false;

    const renewal = setInterval(() => {
      if (!ours() || !s.holder) {
        lost = true;
        stop();
        return;
      }
      clearTimeout(s.holder.expiry);
      s.holder.expiresAt = Date.now() + waiter.ttlMs;
      s.holder.expiry = expireAt(key, s, waiter.ttlMs);
    }, renewEvery(waiter.ttlMs));
    renewal.unref();
    renewals.add(renewal);
    const stop = () => {
      clearInterval(renewal);
      renewals.delete(renewal);
    };

    waiter.grant({
      get lost() {
        return lost || !ours();
      },
      async release() {
        if (released) return;
        released = true;
        stop();
        if (s.holder?.token === token) free(key, s);
      },
    });
  }

  return {
    acquire(key, options) {
      if (closed) return Promise.reject(closedError());
      const { ttlMs, waitMs } = resolveLockOptions(defaults, options);
      const s = state(key);
      return new Promise<LockHandle>((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = s.queue.indexOf(waiter);
          if (index >= 0) s.queue.splice(index, 1);
          reject(busyError());
        }, waitMs);
        const waiter: Waiter = {
          ttlMs,
          grant: (handle) => {
            clearTimeout(timer);
            resolve(handle);
          },
          fail: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        if (s.holder) s.queue.push(waiter);
        else grant(key, s, waiter);
      });
    },

    async close() {
      closed = true;
      for (const renewal of renewals) clearInterval(renewal);
      renewals.clear();
      for (const s of keys.values()) {
        if (s.holder) clearTimeout(s.holder.expiry);
        for (const waiter of s.queue.splice(0)) waiter.fail(closedError());
      }
      keys.clear();
    },
  };
}
