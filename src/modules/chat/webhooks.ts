import { isAppError } from '../../shared/app-error.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { inboundTurnSchema, type InboundTurn, type TurnResult } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { ChannelRoutes } from './channel-routes.js';
import { type InboundMessage, respond, type StatusEvent } from './channels/define-channel.js';
import { channelDefinition } from './channels/registry.js';
import type { ChannelId, WebhookRequest, WebhookResponse } from './contract.js';
import type { InboxStore, NewInboxMessage } from './inbox-store.js';
import type { createMessageStore } from './message-store.js';
import type { OutboxStore } from './outbox-store.js';
import type { Turns } from './turns.js';

/** A platform's conversation key as one of our conversation ids (`whatsapp:<phone id>:<wa id>`). */
export const toConversationId = (channel: ChannelId, key: string): string => `${channel}:${key}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);

const SORRY = { replies: [{ type: 'text' as const, text: 'Sorry, something went wrong. Please call again later.' }], handoff: false, ended: true };

/** A platform message as a turn, starting `flowId` when its account is routed; null when there is nothing a flow could read. */
function toTurn(channel: ChannelId, m: InboundMessage, flowId: string | null): InboundTurn | null {
  const parsed = inboundTurnSchema.safeParse({
    text: m.text?.slice(0, 4000),
    payload: m.payload?.slice(0, 1000),
    channel,
    user: { id: m.userId, ...(m.userName ? { name: m.userName } : {}) },
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.form ? { form: m.form } : {}),
    ...(flowId ? { flowId } : {}),
  });
  return parsed.success ? parsed.data : null;
}

/**
 * The webhook path: find the tenant's connector, verify the signature, parse, then answer.
 * Asynchronous platforms (Meta, Slack) get their 200 only once their messages are stored in the
 * inbox (a redelivery is skipped there, by platform id); the inbox worker turns them into turns.
 * Voice runs the turn inside the request, because the TwiML answer carries the reply; its platform
 * id is the turn's message id, so a retried request gets the same answer.
 */
export function createWebhooks(deps: {
  sql: Sql;
  ids: Ids;
  configs: ChannelConfigs;
  routes: ChannelRoutes;
  inbox: InboxStore;
  kick: () => void;
  turns: Turns;
  outbox: OutboxStore;
  messages: ReturnType<typeof createMessageStore>;
  logger: Logger;
}) {
  const { logger } = deps;

  async function recordStatus(tenantId: string, channel: ChannelId, event: StatusEvent): Promise<void> {
    const conversationId = event.upTo ? toConversationId(channel, event.upTo.conversationKey) : null;
    await deps.sql.withTenant(tenantId, async (tx) => {
      const messageIds = await deps.outbox.recordStatus(tx, tenantId, channel, event, conversationId);
      await deps.messages.setDelivery(tx, tenantId, messageIds, { status: event.status, at: event.at, ...(event.error ? { error: event.error } : {}) });
    });
  }

  async function runNow(tenantId: string, channel: ChannelId, m: InboundMessage): Promise<TurnResult | null> {
    const turn = toTurn(channel, m, await deps.routes.resolve(tenantId, channel, m.accounts ?? []));
    if (!turn) return null;
    const origin = { channel, address: m.address, externalId: m.externalId, ...(m.confidence === undefined ? {} : { confidence: m.confidence }) };
    return deps.turns.run(tenantId, toConversationId(channel, m.conversationKey), m.externalId ? { ...turn, id: m.externalId } : turn, origin);
  }

  function toInbox(channel: ChannelId, m: InboundMessage, flowId: string | null): NewInboxMessage | null {
    const message = toTurn(channel, m, flowId);
    if (!message) return null;
    return {
      conversationId: toConversationId(channel, m.conversationKey),
      // Without a platform id a message cannot be recognised again; it still gets a key of its own.
      externalId: m.externalId || `local:${deps.ids.uuid()}`,
      message,
      origin: { address: m.address, ...(m.confidence === undefined ? {} : { confidence: m.confidence }) },
    };
  }

  return {
    async receive(tenantId: string, channel: ChannelId, request: WebhookRequest): Promise<WebhookResponse> {
      const mode = channelDefinition(channel).capabilities.webhook;
      const instance = mode === 'none' ? null : await deps.configs.instance(tenantId, channel);
      if (!instance) return respond(404, `The ${channel} channel has no webhook here: it is not configured, or disabled, in this workspace.`);
      const verification = instance.verify(request);
      if (!verification.ok) return verification.respond;
      let events;
      try {
        events = instance.parseInbound(request);
      } catch (error) {
        if (isAppError(error)) return respond(400, error.message);
        throw error;
      }
      const messages: InboundMessage[] = [];
      for (const event of events) {
        if (event.kind === 'status') await recordStatus(tenantId, channel, event);
        else messages.push(event);
      }
      if (mode === 'sync') {
        const first = messages[0];
        const outcome = first
          ? await runNow(tenantId, channel, first).catch((error: unknown) => {
              logger.error({ err: error, tenantId, channel }, 'webhook: synchronous turn failed');
              return SORRY;
            })
          : null;
        return instance.respond?.(outcome ?? null, request) ?? respond(200, 'ok');
      }
      const routed = await Promise.all(messages.map(async (m) => toInbox(channel, m, await deps.routes.resolve(tenantId, channel, m.accounts ?? []))));
      const stored = await deps.inbox.accept(tenantId, channel, routed.flatMap((m) => m ?? []));
      if (stored.length > 0) deps.kick();
      return instance.respond?.(null, request) ?? respond(200, 'ok');
    },
  };
}
