import { isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Sql } from '../storage/contract.js';
import { type BackoffSettings, nextDelayMs } from './backoff.js';
import type { BotSends } from './bot-sends.js';
import type { ChannelConfigs } from './channel-configs.js';
import { pushesReplies } from './channels/registry.js';
import type { createMessageStore } from './message-store.js';
import { createQueueWorker } from './queue-worker.js';
import type { ClaimedSchedule, ScheduleStore } from './schedule-store.js';
import type { Turns } from './turns.js';
import { lastInboundAt, withinWindow } from './whatsapp-window.js';

export interface ScheduleSettings extends BackoffSettings {
  pollMs: number;
  maxAttempts: number;
}

const LEASE_MS = 30_000;
/** Refusals that another attempt will not change: recorded at once. */
const FINAL = new Set(['conflict', 'conversation_not_found', 'not_found', 'bad_request']);

/**
 * Sends due follow-ups: a message goes out as the bot's (window rules applied); an event runs a
 * turn whose payload is the event's name, its replies sent like any turn's. Either is committed
 * with the follow-up's `sent` mark, so a crash in between sends nothing twice.
 */
export function createScheduleWorker(deps: {
  store: ScheduleStore;
  sql: Sql;
  configs: ChannelConfigs;
  messages: ReturnType<typeof createMessageStore>;
  botSends: BotSends;
  turns: Turns;
  kick: () => void;
  clock: Clock;
  logger: Logger;
  settings: ScheduleSettings;
}) {
  const { store, clock, logger, settings } = deps;

  async function sendMessage(item: ClaimedSchedule): Promise<void> {
    const queued = await deps.sql.withTenant(item.tenantId, async (tx) => {
      const count = await deps.botSends.send(tx, item.tenantId, item.conversationId, { type: 'text', text: item.body });
      await store.markDone(tx, item);
      return count;
    });
    if (queued > 0) deps.kick();
  }

  async function runEvent(item: ClaimedSchedule): Promise<void> {
    const doc = await deps.sql.withTenant(item.tenantId, (tx) => deps.messages.getDoc(tx, item.tenantId, item.conversationId));
    if (!doc) throw new Error(`conversation '${item.conversationId}' no longer exists`);
    // Only channels that push (asynchronous webhooks) can deliver an event's replies later; web chat and calls answer in their own request.
    const instance = doc.address && pushesReplies(item.channel) ? await deps.configs.instance(item.tenantId, item.channel) : null;
    let outbound = instance ?? undefined;
    if (instance && item.channel === 'whatsapp') {
      // The event's replies obey the window like any message sent without the user writing first.
      const last = await deps.sql.withTenant(item.tenantId, (tx) => lastInboundAt(tx, item.tenantId, item.conversationId));
      const template = (await deps.configs.settings(item.tenantId, 'whatsapp'))?.config.windowTemplate as { name: string; language: string } | undefined;
      withinWindow({ type: 'text', text: '' }, last, clock.now(), template);
      outbound = { ...instance, render: (reply, address) => instance.render(withinWindow(reply, last, clock.now(), template), address) };
    }
    const origin = { channel: item.channel, address: doc.address ?? {}, externalId: `schedule:${item.id}`, ...(outbound ? { outbound } : {}) };
    await deps.turns.run(item.tenantId, item.conversationId, { id: `schedule:${item.id}`, payload: item.body, channel: item.channel }, origin, { commit: () => (tx) => store.markDone(tx, item) });
  }

  async function handle(item: ClaimedSchedule): Promise<void> {
    try {
      await (item.kind === 'message' ? sendMessage(item) : runEvent(item));
    } catch (error) {
      const final = isAppError(error) && FINAL.has(error.code);
      const dead = final || item.attempt >= settings.maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      logger[dead ? 'warn' : 'info']({ err: error, tenantId: item.tenantId, scheduleId: item.id }, dead ? 'schedule: follow-up not sent; given up' : 'schedule: follow-up failed; will retry');
      await store.markFailed(item, message, dead ? null : clock.now() + nextDelayMs(item.attempt, settings, undefined)).catch(() => undefined);
    }
  }

  return createQueueWorker({ name: 'schedule', pollMs: settings.pollMs, logger, claim: () => store.claim(20, LEASE_MS), handle });
}
