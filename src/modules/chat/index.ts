import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { FlowAuthoring, TurnService } from '../engine/contract.js';
import type { Secrets } from '../security/contract.js';
import type { Sql } from '../storage/contract.js';
import { createAdmission } from './admission.js';
import { createChannelConfigs } from './channel-configs.js';
import { createBotSends } from './bot-sends.js';
import { createChannelRoutes } from './channel-routes.js';
import { channelSettingsSchema, secretFieldsOf } from './channels/define-channel.js';
import { createHttpPost } from './channels/http-post.js';
import { CHANNELS } from './channels/registry.js';
import type { Chat } from './contract.js';
import { createHandoff } from './handoff.js';
import { createInboxStore } from './inbox-store.js';
import { createInboxWorker, type InboxSettings } from './inbox-worker.js';
import { createMessageStore } from './message-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createOutboxWorker, type OutboxSettings } from './outbox-worker.js';
import { createProactive } from './proactive.js';
import { createScheduleStore } from './schedule-store.js';
import { createScheduleWorker } from './schedule-worker.js';
import { createTurns } from './turns.js';
import { createWebchat } from './webchat.js';
import { createWebhooks } from './webhooks.js';

export * from './contract.js';
export { channelSecretHolder } from './reseal-secrets.js';
export { chatMigrations } from './migrations.js';
export { chatTenantData } from './tenant-data.js';
export { createChatPersonData } from './person-data.js';

const MAX_PAGE = 500;

export interface ChatConfig {
  outbox: OutboxSettings;
  inbox: InboxSettings;
  sendTimeoutMs: number;
  /** Whether channel settings may point outbound calls at other hosts than the platforms' (tests, proxies). */
  allowBaseUrlOverride: boolean;
  /** Turns answered while the caller waits that run at once before more are refused with 503 (0: no limit). */
  maxTurnsInFlight: number;
}

export interface ChatDeps {
  sql: Sql;
  engine: TurnService;
  /** Channel routes check that the flow they name exists. */
  flows: Pick<FlowAuthoring, 'getFlow'>;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: ChatConfig;
  /** Counts an inbound message against the tenant's daily quota (the security module's). */
  consumeQuota: (tenantId: string) => Promise<void>;
  /** The workspace's redaction of personal data before a message or trace is stored (privacy), when it asks for one. */
  redactFor?: (tenantId: string) => Promise<(<T>(value: T) => T) | null>;
}

export function createChat(deps: ChatDeps): Chat {
  const { sql, clock, logger, config } = deps;
  const messages = createMessageStore(deps);
  const outbox = createOutboxStore(deps);
  const post = createHttpPost({ timeoutMs: config.sendTimeoutMs, now: () => clock.now() });
  const configs = createChannelConfigs({ sql, secrets: deps.secrets, caps: { clock, post }, allowBaseUrlOverride: config.allowBaseUrlOverride });
  const worker = createOutboxWorker({ store: outbox, configs, clock, logger, settings: config.outbox });
  const kick = () => worker.kick();
  const schedules = createScheduleStore(deps);
  const turns = createTurns({ engine: deps.engine, clock, ids: deps.ids, messages, outbox, schedules, kick, consumeQuota: deps.consumeQuota });
  const botSends = createBotSends({ configs, messages, outbox, clock });
  const scheduleWorker = createScheduleWorker({ store: schedules, sql, configs, messages, botSends, turns, kick, clock, logger, settings: config.inbox });
  const proactive = createProactive({ sql, configs, botSends, messages, kick, clock });
  const inbox = createInboxStore(deps);
  const inboxWorker = createInboxWorker({ store: inbox, sql, configs, turns, clock, logger, settings: config.inbox });
  const routes = createChannelRoutes({ sql, clock, flows: deps.flows });
  const webhooks = createWebhooks({ sql, ids: deps.ids, configs, routes, inbox, kick: () => inboxWorker.kick(), turns, outbox, messages, logger });
  const webchat = createWebchat({ configs, routes, turns });
  const admission = createAdmission(config.maxTurnsInFlight);
  const handoff = createHandoff({ sql, engine: deps.engine, configs, messages, outbox, schedules, kick, now: () => clock.now() });

  return {
    handleMessage: (tenantId, conversationId, message) => admission.run(() => turns.run(tenantId, conversationId, message)),
    getConversation: (tenantId, conversationId) => messages.summary(tenantId, conversationId),
    listConversations: (tenantId, filters) => messages.listSummaries(tenantId, filters),
    listMessages: (tenantId, conversationId, options) =>
      messages.list(tenantId, conversationId, Math.min(options?.limit ?? 100, MAX_PAGE), options?.newest ?? false),

    listChannelKinds: () =>
      CHANNELS.map((c) => ({ id: c.id, capabilities: c.capabilities, secretFields: secretFieldsOf(c), configSchema: z.toJSONSchema(channelSettingsSchema(c), { io: 'input' }) })),
    listChannels: (tenantId) => configs.list(tenantId),
    getChannel: (tenantId, channel) => configs.get(tenantId, channel),
    putChannel: (tenantId, channel, input) => configs.put(tenantId, channel, input, clock.isoNow()),
    deleteChannel: (tenantId, channel) => configs.remove(tenantId, channel),

    listRoutes: (tenantId, channel) => routes.list(tenantId, channel),
    putRoute: (tenantId, channel, account, input) => routes.put(tenantId, channel, account, input.flowId),
    deleteRoute: (tenantId, channel, account) => routes.remove(tenantId, channel, account),

    listSchedules: (tenantId, query) => schedules.list(tenantId, query),
    cancelSchedule: (tenantId, scheduleId) => schedules.cancel(tenantId, scheduleId),
    startConversation: (tenantId, input) => proactive.start(tenantId, input),

    receiveWebhook: (tenantId, channel, request) => webhooks.receive(tenantId, channel, request),
    webOriginAllowed: (tenantId, origin) => webchat.originAllowed(tenantId, origin),
    webchatTurn: (tenantId, session, message) => admission.run(() => webchat.turn(tenantId, `web:${session.conversation}`, session, { ...message, channel: 'web' })),

    listOutbox: (tenantId, options) => outbox.list(tenantId, options.status, Math.min(options.limit ?? 100, MAX_PAGE)),
    async retryOutbox(tenantId, outboxId) {
      const entry = await outbox.retry(tenantId, outboxId);
      kick();
      return entry;
    },

    sendAgentReply: (tenantId, conversationId, text, agent) => handoff.sendAgentReply(tenantId, conversationId, text, agent ? { agent, now: clock.isoNow() } : undefined),
    assignConversation: (tenantId, conversationId, agent) => handoff.assign(tenantId, conversationId, agent, clock.isoNow()),
    handBack: (tenantId, conversationId) => handoff.handBack(tenantId, conversationId, clock.isoNow()),

    start() {
      worker.start();
      inboxWorker.start();
      scheduleWorker.start();
    },
    async stop() {
      // Messages still in the inbox stay there for the next instance (or this one, restarted).
      await inboxWorker.stop();
      await scheduleWorker.stop();
      await worker.stop();
    },
  };
}
