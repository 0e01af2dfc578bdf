import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type BackoffSettings, nextDelayMs } from './backoff.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { ClaimedSend, OutboxStore } from './outbox-store.js';
import { createQueueWorker } from './queue-worker.js';

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
  /**
   * The platform has the message now: keep trying to record that through a storage outage for as
   * long as the claim lasts, since a send left pending is sent again and platforms keep no ids to
   * drop the copy. Only a crash in the few milliseconds between the answer and this write repeats one.
   */
  async function markSentSurely(send: ClaimedSend, externalId: string | null, claimedAt: number): Promise<void> {
    const giveUpAt = claimedAt + settings.leaseMs - 1_000;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        return await store.markSent(send, externalId);
      } catch (error) {
        if (Date.now() + wait > giveUpAt) throw error;
        await sleep(wait);
      }
    }
  }

  async function deliver(send: ClaimedSend): Promise<void> {
    const claimedAt = Date.now();
    const log = logger.child({ tenantId: send.tenantId, conversationId: send.conversationId, outboxId: send.id, channel: send.channel });
    try {
      const channel = await configs.instance(send.tenantId, send.channel);
      const result = channel
        ? await channel.send(send.payload)
        : { ok: false as const, retryable: false, error: `the ${send.channel} channel is not configured or disabled` };
      if (result.ok) {
        await markSentSurely(send, result.externalId, claimedAt);
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

  return createQueueWorker({ name: 'outbox', pollMs: settings.pollMs, logger, claim: () => store.claim(settings.batchSize, settings.leaseMs), handle: deliver });
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
