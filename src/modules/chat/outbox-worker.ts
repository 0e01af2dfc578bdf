import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type BackoffSettings, nextDelayMs } from './backoff.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { ClaimedSend, OutboxStore } from './outbox-store.js';

export interface OutboxSettings extends BackoffSettings {
  pollMs: number;
  maxAttempts: number;
  batchSize: number;
  /** How long a claimed send is reserved for its worker before another may retry it. */
  leaseMs: number;
}

/**
 * Sends what the outbox holds: claims due heads of conversations, sends them through their
 * channel, and records the outcome (sent; retried with backoff honouring Retry-After; dead after
 * `maxAttempts` or a permanent refusal). Polls, and is kicked when new sends are enqueued.
 */
export function createOutboxWorker(deps: { store: OutboxStore; configs: ChannelConfigs; clock: Clock; logger: Logger; settings: OutboxSettings }) {
  const { store, configs, clock, logger, settings } = deps;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  async function deliver(send: ClaimedSend): Promise<void> {
    const log = logger.child({ tenantId: send.tenantId, conversationId: send.conversationId, outboxId: send.id, channel: send.channel });
    try {
      const channel = await configs.instance(send.tenantId, send.channel);
      const result = channel
        ? await channel.send(send.payload)
        : { ok: false as const, retryable: false, error: `the ${send.channel} channel is not configured or disabled` };
      if (result.ok) {
        await store.markSent(send, result.externalId);
        return;
      }
      const dead = !result.retryable || send.attempt >= settings.maxAttempts;
      const retryAt = dead ? null : clock.now() + nextDelayMs(send.attempt, settings, result.retryAfterMs);
      await store.markFailed(send, result.error, retryAt);
      if (dead) log.warn({ attempts: send.attempt, error: result.error }, 'outbox: send dead-lettered; retry it through /v1/channels/outbox');
      else log.info({ attempt: send.attempt, error: result.error }, 'outbox: send failed; will retry');
    } catch (error) {
      // A bug or an outage of our own storage: the lease expires and the send is tried again.
      log.error({ err: error }, 'outbox: delivery failed unexpectedly');
    }
  }

  async function tick(): Promise<void> {
    let claimed: ClaimedSend[];
    do {
      again = false;
      claimed = await store.claim(settings.batchSize, settings.leaseMs);
      // One claimed send per conversation at most, so they can all go at once without reordering.
      await Promise.all(claimed.map(deliver));
    } while (running && (claimed.length > 0 || again));
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      busy = true;
      current = tick()
        .catch((error: unknown) => logger.error({ err: error }, 'outbox: poll failed'))
        .finally(() => {
          busy = false;
          schedule(settings.pollMs);
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
    /** New sends are waiting: look now instead of at the next poll. */
    kick(): void {
      again = true;
      if (running && !busy) schedule(0);
    },
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
