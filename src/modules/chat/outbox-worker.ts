import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../../shared/app-error.js';
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
   * Records an outcome through a storage outage for as long as the claim lasts; past that, the
   * lease frees the send anyway. Until then the conversation's later sends wait behind it.
   */
  async function recordWhileClaimed(claimedAt: number, write: () => Promise<void>): Promise<void> {
    const giveUpAt = claimedAt + settings.leaseMs - 1_000;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        return await write();
      } catch (error) {
        if (Date.now() + wait > giveUpAt) throw error;
        await sleep(wait);
      }
    }
  }

  async function deliver(send: ClaimedSend): Promise<void> {
    const claimedAt = Date.now();
    const log = logger.child({ tenantId: send.tenantId, conversationId: send.conversationId, outboxId: send.id, channel: send.channel });
    let reachedPlatform = false;
    try {
      const channel = await configs.instance(send.tenantId, send.channel);
      const result = channel
        ? await channel.send(send.payload)
        : { ok: false as const, retryable: false, error: `the ${send.channel} channel is not configured or disabled` };
      if (result.ok) {
        // A send left pending is sent again, and platforms keep no ids to drop the copy: only a
        // crash in the few milliseconds between the answer and this write repeats one.
        reachedPlatform = true;
        await recordWhileClaimed(claimedAt, () => store.markSent(send, result.externalId));
        return;
      }
      const dead = !result.retryable || send.attempt >= settings.maxAttempts;
      const retryAt = dead ? null : clock.now() + nextDelayMs(send.attempt, settings, result.retryAfterMs);
      await store.markFailed(send, result.error, retryAt);
      if (dead) log.warn({ attempts: send.attempt, error: result.error }, 'outbox: send dead-lettered; retry it through /v1/channels/outbox');
      else log.info({ attempt: send.attempt, error: result.error }, 'outbox: send failed; will retry');
    } catch (error) {
      log.error({ err: error }, 'outbox: delivery failed unexpectedly');
      // Sent but not recorded: only the lease may free it, since sending again repeats the message.
      if (!reachedPlatform) await recordWhileClaimed(claimedAt, () => putBack(send, error)).catch(() => undefined);
    }
  }

  /**
   * Our side failed before the platform had the send (a storage blip, a bug): back in line after a
   * backoff rather than holding the whole conversation for the lease. An outage never dead-letters;
   * a bug does after `maxAttempts`, so that it stops blocking the conversation.
   */
  async function putBack(send: ClaimedSend, error: unknown): Promise<void> {
    const outage = isAppError(error) && error.code === 'unavailable';
    const dead = !outage && send.attempt >= settings.maxAttempts;
    const retryAt = dead ? null : clock.now() + nextDelayMs(send.attempt, settings, undefined);
    // A tenant reads this in its outbox: our internals stay in the server log.
    const reason = isAppError(error) ? error.message : 'an internal error (see the server log)';
    await store.markFailed(send, `Not sent: ${reason}`, retryAt);
  }

  return createQueueWorker({ name: 'outbox', pollMs: settings.pollMs, logger, claim: () => store.claim(settings.batchSize, settings.leaseMs), handle: deliver });
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
