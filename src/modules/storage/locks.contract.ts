import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/app-error.js';
import type { LockHandle, Locks } from './contract.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Blocks the event loop, as a long synchronous task would: renewal timers cannot run. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

export async function expectBusy(promise: Promise<LockHandle>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isAppError(error) && error.code).toBe('conversation_busy');
}

/** The behaviour every Locks must share; run against each implementation by locks.int.test.ts. */
export function locksContract(name: string, create: () => Promise<{ locks: Locks; dispose: () => Promise<void> }>): void {
  describe(`Locks contract: ${name}`, () => {
    let locks: Locks;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ locks, dispose } = await create());
    });
    afterEach(async () => {
      await dispose();
    });

    it('excludes 100 concurrent read-modify-write turns: no lost update, never two holders', async () => {
      let counter = 0;
      let inside = 0;
      let maxInside = 0;
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          const lock = await locks.acquire('counter', { waitMs: 30_000 });
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          const read = counter;
          await sleep(Math.random() * 2);
          counter = read + 1;
          inside -= 1;
          await lock.release();
        }),
      );
      expect(counter).toBe(100);
      expect(maxInside).toBe(1);
    });

    it('grants waiters in the order acquire was called', async () => {
      const first = await locks.acquire('fifo');
      const order: number[] = [];
      const waiters = Array.from({ length: 10 }, (_, i) =>
        locks.acquire('fifo', { waitMs: 10_000 }).then(async (lock) => {
          order.push(i);
          await sleep(1);
          await lock.release();
        }),
      );
      await sleep(20);
      await first.release();
      await Promise.all(waiters);
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('gives up after waitMs with conversation_busy, and a timed-out waiter does not block the queue', async () => {
      const holder = await locks.acquire('busy');
      const started = Date.now();
      await expectBusy(locks.acquire('busy', { waitMs: 100 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);

      const impatient = locks.acquire('busy', { waitMs: 50 });
      const patient = locks.acquire('busy', { waitMs: 5_000 });
      await expectBusy(impatient);
      await holder.release();
      const next = await patient;
      await next.release();
    });

    it('release is idempotent and never frees a later holder', async () => {
      const first = await locks.acquire('idem');
      await first.release();
      await first.release();
      const second = await locks.acquire('idem', { waitMs: 100 });
      await first.release();
      await expectBusy(locks.acquire('idem', { waitMs: 100 }));
      expect(second.lost).toBe(false);
      await second.release();
    });

    it('renews a held lock past its TTL', async () => {
      const lock = await locks.acquire('renewed', { ttlMs: 90 });
      await sleep(300);
      expect(lock.lost).toBe(false);
      await expectBusy(locks.acquire('renewed', { waitMs: 50 }));
      await lock.release();
    });

    it('lets a holder whose renewals stopped expire; it reads lost and its release is harmless', async () => {
      const stale = await locks.acquire('expiring', { ttlMs: 100 });
      blockEventLoop(300);
      const fresh = await locks.acquire('expiring', { waitMs: 2_000 });
      expect(stale.lost).toBe(true);
      await stale.release();
      await expectBusy(locks.acquire('expiring', { waitMs: 100 }));
      expect(fresh.lost).toBe(false);
      await fresh.release();
    });

    it('rejects pending waiters on close', async () => {
      await locks.acquire('closing');
      const pending = locks.acquire('closing', { waitMs: 10_000 });
      await sleep(20);
      await locks.close();
      await expect(pending).rejects.toThrow(/closed/);
      await expect(locks.acquire('other')).rejects.toThrow(/closed/);
    });
  });
}
