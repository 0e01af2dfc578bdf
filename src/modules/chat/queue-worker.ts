import type { Logger } from '../../shared/logger.js';

/**
 * The loop behind the outbox and the inbox: claim a batch of due rows (at most one per
 * conversation, so they can all run at once without reordering), handle them, and claim again
 * until nothing is due; then poll. A kick looks now instead of at the next poll. `handle` records
 * its own outcome; a claim that fails (storage outage) is logged and retried at the next poll.
 */
export function createQueueWorker<T>(deps: { name: string; pollMs: number; logger: Logger; claim: () => Promise<T[]>; handle: (item: T) => Promise<void> }) {
  const { logger } = deps;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  async function tick(): Promise<void> {
    let claimed: T[];
    do {
      again = false;
      claimed = await deps.claim();
      await Promise.all(claimed.map(deps.handle));
    } while (running && (claimed.length > 0 || again));
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      busy = true;
      current = tick()
        .catch((error: unknown) => logger.warn({ err: error }, `${deps.name}: poll failed; retrying`))
        .finally(() => {
          busy = false;
          schedule(deps.pollMs);
        });
    }, delay);
    timer.unref();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      schedule(0);
    },
    kick(): void {
      again = true;
      if (running && !busy) schedule(0);
    },
    /** Stops polling and waits for the batch in hand. */
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}

export type QueueWorker = ReturnType<typeof createQueueWorker>;
