import { isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { stagedRows } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import { type BackoffSettings, nextDelayMs } from './backoff.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { ClaimedInbox, InboxStore } from './inbox-store.js';
import { createQueueWorker } from './queue-worker.js';
import type { Turns } from './turns.js';

export interface InboxSettings extends BackoffSettings {
  pollMs: number;
  maxAttempts: number;
  batchSize: number;
}

/**
 * Short, so that a dead instance's messages wait seconds, not minutes. A live instance whose turn
 * outlasts it loses nothing: the next claimant queues on the conversation's lock and then finds
 * the message applied (its platform id is the turn's message id).
 */
const LEASE_MS = 5_000;
/** Storage down or the conversation busy: try again soon, and do not count it against the message. */
const TRANSIENT_RETRY_MS = 1_000;
const TRANSIENT = new Set(['unavailable', 'conversation_busy']);

/** Turns stored platform messages into turns, per conversation in arrival order, on every instance. */
export function createInboxWorker(deps: { store: InboxStore; sql: Sql; configs: ChannelConfigs; turns: Turns; clock: Clock; logger: Logger; settings: InboxSettings }) {
  const { store, clock, logger, settings } = deps;

  async function turn(item: ClaimedInbox): Promise<void> {
    const outbound = (await deps.configs.instance(item.tenantId, item.channel)) ?? undefined;
    const origin = { channel: item.channel, externalId: item.externalId, ...item.origin, ...(outbound ? { outbound } : {}) };
    let marked = false;
    // "Typing…" while the turn runs (Messenger, WhatsApp): best effort, never in the turn's way.
    outbound?.typing?.(item.origin.address, item.externalId).catch(() => undefined);
    await deps.turns.run(item.tenantId, item.conversationId, { ...item.message, id: item.externalId }, origin, {
      stage: () => {
        marked = true;
        return [stagedRows(store.markDone, [item])];
      },
    });
    // Applied by an earlier claimant that died before marking it: the engine answered from the turn log.
    if (!marked) await deps.sql.withTenant(item.tenantId, (tx) => store.markDone(tx, item.tenantId, [item]));
  }

  async function handle(item: ClaimedInbox): Promise<void> {
    try {
      await turn(item);
    } catch (error) {
      const transient = isAppError(error) && TRANSIENT.has(error.code);
      const dead = !transient && item.attempt >= settings.maxAttempts;
      const retryAt = dead ? null : clock.now() + (transient ? TRANSIENT_RETRY_MS : nextDelayMs(item.attempt, settings, undefined));
      const log = logger.child({ tenantId: item.tenantId, conversationId: item.conversationId, inboxId: item.id });
      if (dead) log.error({ err: error, attempts: item.attempt }, 'inbox: a platform message could not become a turn; given up');
      else log[transient ? 'info' : 'warn']({ err: error, attempt: item.attempt }, 'inbox: turn failed; will retry');
      const message = error instanceof Error ? error.message : String(error);
      // If this fails too (storage down), the lease runs out and the message is claimed again.
      await store.markFailed(item, message, retryAt).catch(() => undefined);
    }
  }

  return createQueueWorker({ name: 'inbox', pollMs: settings.pollMs, logger, claim: () => store.claim(settings.batchSize, LEASE_MS), handle });
}
