import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Engine } from '../engine/contract.js';
import type { Secrets } from '../security/contract.js';
import type { Kv, Sql } from '../storage/contract.js';
import { createChannelConfigs } from './channel-configs.js';
import { createHttpPost } from './channels/http-post.js';
import { CHANNELS } from './channels/registry.js';
import type { Chat } from './contract.js';
import { createDedupe } from './dedupe.js';
import { createHandoff } from './handoff.js';
import { createMessageStore } from './message-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createOutboxWorker, type OutboxSettings } from './outbox-worker.js';
import { createTurns } from './turns.js';
import { createWebchat } from './webchat.js';
import { createWebhooks } from './webhooks.js';

export * from './contract.js';
export { channelSecretHolder } from './reseal-secrets.js';
export { chatMigrations } from './migrations.js';

const MAX_PAGE = 500;

export interface ChatConfig {
  outbox: OutboxSettings;
  /** How long platform message ids (and web chat client ids) are remembered for dedupe. */
  dedupeTtlMs: number;
  sendTimeoutMs: number;
  /** Whether channel settings may point outbound calls at other hosts than the platforms' (tests, proxies). */
  allowBaseUrlOverride: boolean;
  /** How long a resent web chat message waits for its first copy's answer. */
  webchatWaitMs: number;
}

export interface ChatDeps {
  sql: Sql;
  kv: Kv;
  engine: Engine;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: ChatConfig;
  /** Counts an inbound message against the tenant's daily quota (the security module's). */
  consumeQuota: (tenantId: string) => Promise<void>;
}

export function createChat(deps: ChatDeps): Chat {
  const { sql, kv, clock, logger, config } = deps;
  const messages = createMessageStore(deps);
  const outbox = createOutboxStore(deps);
  const post = createHttpPost({ timeoutMs: config.sendTimeoutMs, now: () => clock.now() });
  const configs = createChannelConfigs({ sql, secrets: deps.secrets, caps: { clock, post }, allowBaseUrlOverride: config.allowBaseUrlOverride });
  const worker = createOutboxWorker({ store: outbox, configs, clock, logger, settings: config.outbox });
  const kick = () => worker.kick();
  const turns = createTurns({ sql, engine: deps.engine, clock, messages, outbox, kick, consumeQuota: deps.consumeQuota });
  const webhooks = createWebhooks({ sql, configs, dedupe: createDedupe({ kv, ttlMs: config.dedupeTtlMs }), turns, outbox, messages, logger });
  const webchat = createWebchat({ kv, configs, turns, rememberMs: config.dedupeTtlMs, waitMs: config.webchatWaitMs });
  const handoff = createHandoff({ sql, configs, messages, outbox, kick });

  return {
    handleMessage: (tenantId, conversationId, message) => turns.run(tenantId, conversationId, message),
    getConversation: (tenantId, conversationId) => messages.summary(tenantId, conversationId),
    listConversations: (tenantId, filters) => messages.listSummaries(tenantId, filters),
    listMessages: (tenantId, conversationId, options) =>
      messages.list(tenantId, conversationId, Math.min(options?.limit ?? 100, MAX_PAGE), options?.newest ?? false),

    listChannelKinds: () =>
      CHANNELS.map((c) => ({ id: c.id, capabilities: c.capabilities, secretFields: [...c.secretFields], configSchema: z.toJSONSchema(c.configSchema, { io: 'input' }) })),
    listChannels: (tenantId) => configs.list(tenantId),
    getChannel: (tenantId, channel) => configs.get(tenantId, channel),
    putChannel: (tenantId, channel, input) => configs.put(tenantId, channel, input, clock.isoNow()),
    deleteChannel: (tenantId, channel) => configs.remove(tenantId, channel),

    receiveWebhook: (tenantId, channel, request) => webhooks.receive(tenantId, channel, request),
    webOriginAllowed: (tenantId, origin) => webchat.originAllowed(tenantId, origin),
    webchatTurn: (tenantId, conversation, clientId, message) => webchat.turn(tenantId, `web:${conversation}`, clientId, { ...message, channel: 'web' }),

    listOutbox: (tenantId, options) => outbox.list(tenantId, options.status, Math.min(options.limit ?? 100, MAX_PAGE)),
    async retryOutbox(tenantId, outboxId) {
      const entry = await outbox.retry(tenantId, outboxId);
      kick();
      return entry;
    },

    sendAgentReply: (tenantId, conversationId, text) => handoff.sendAgentReply(tenantId, conversationId, text),
    async handBack(tenantId, conversationId) {
      // The engine first: once its context leaves `handoff`, the bot answers the next message.
      await deps.engine.handBack(tenantId, conversationId);
      return handoff.handBack(tenantId, conversationId, clock.isoNow());
    },

    start: () => worker.start(),
    async stop() {
      await webhooks.drain();
      await worker.stop();
    },
  };
}
