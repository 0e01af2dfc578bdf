import type { Logger } from '../../shared/logger.js';

export interface EventBufferOptions<T> {
  /** Most items held; beyond it new items are dropped and counted, so a turn never waits. */
  capacity: number;
  batchSize: number;
  flushMs: number;
  /** Stores one batch; throwing keeps the batch for the next attempt. */
  sink: (batch: T[]) => Promise<void>;
  onDrop: (count: number) => void;
  logger: Logger;
}

export interface EventBuffer<T> {
  /** Queues what fits and drops the rest (counted); returns how many were dropped. */
  push(items: readonly T[]): number;
  /** Queues all items or none: for callers that can tell their client to retry. */
  offer(items: readonly T[]): boolean;
  readonly size: number;
  /** Writes everything queued so far; rejects when the sink fails. */
  flush(): Promise<void>;
  start(): void;
  /** Stops the timer, then flushes what is left. */
  stop(): Promise<void>;
}

/**
 * The write-behind buffer between the hot path and storage: bounded, flushed in batches when a
 * batch is full and every `flushMs`, one batch at a time. A failed batch goes back to the front
 * (as far as the capacity allows) and is retried at the next tick.
 */
export function createEventBuffer<T>(options: EventBufferOptions<T>): EventBuffer<T> {
  const { capacity, batchSize, sink } = options;
  let queue: T[] = [];
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failing = false;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batch.length);
      try {
        await sink(batch);
        failing = false;
      } catch (error) {
        const room = Math.max(0, capacity - queue.length);
        if (room < batch.length) options.onDrop(batch.length - room);
        queue = [...batch.slice(0, room), ...queue];
        if (!failing) options.logger.warn({ err: error, queued: queue.length }, 'analytics: storing a batch of events failed; retrying');
        failing = true;
        throw error;
      }
    }
  }

  /** Runs one drain at a time; a caller arriving during a drain waits for it, then drains again. */
  function run(): Promise<void> {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(drain);
    const tracked = next.finally(() => {
      if (running === tracked) running = null;
    });
    running = tracked;
    return tracked;
  }

  const background = () => {
    if (running) return;
    run().catch(() => undefined); // logged in drain; the events stay queued
  };

  function accept(items: readonly T[]): void {
    queue.push(...items);
    if (queue.length >= batchSize && !failing) setImmediate(background);
  }

  return {
    push(items) {
      const room = Math.max(0, capacity - queue.length);
      const dropped = Math.max(0, items.length - room);
      accept(dropped > 0 ? items.slice(0, room) : items);
      if (dropped > 0) options.onDrop(dropped);
      return dropped;
    },
    offer(items) {
      if (queue.length + items.length > capacity) return false;
      accept(items);
      return true;
    },
    get size() {
      return queue.length;
    },
    flush: run,
    start() {
      timer ??= setInterval(background, options.flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await run();
    },
  };
}
