import { isAppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import { inboundTurnSchema, type TurnResult } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import { type ChannelInstance, type InboundMessage, respond, type StatusEvent } from './channels/define-channel.js';
import { channelDefinition } from './channels/registry.js';
import type { ChannelId, WebhookRequest, WebhookResponse } from './contract.js';
import type { Dedupe } from './dedupe.js';
import type { createMessageStore } from './message-store.js';
import type { OutboxStore } from './outbox-store.js';
import type { Turns } from './turns.js';

/** A platform's conversation key as one of our conversation ids (`whatsapp:<phone id>:<wa id>`). */
export const toConversationId = (channel: ChannelId, key: string): string => `${channel}:${key}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);

const SORRY = { replies: [{ type: 'text' as const, text: 'Sorry, something went wrong. Please call again later.' }], handoff: false, ended: true };

/**
 * The webhook path: find the tenant's connector, verify the signature, parse, drop duplicates,
 * then answer. Asynchronous platforms (Meta, Slack) get their 200 at once and the turns run
 * afterwards, one after another per conversation; voice runs the turn inside the request because
 * the TwiML answer carries the reply.
 */
export function createWebhooks(deps: {
  sql: Sql;
  configs: ChannelConfigs;
  dedupe: Dedupe;
  turns: Turns;
  outbox: OutboxStore;
  messages: ReturnType<typeof createMessageStore>;
  logger: Logger;
}) {
  const { logger } = deps;
  const chains = new Map<string, Promise<void>>();

  /** Runs `work` after earlier work with the same key; errors are logged (the platform already has its 200). */
  function enqueue(key: string, work: () => Promise<unknown>): void {
    const next = (chains.get(key) ?? Promise.resolve())
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => {
          const known = isAppError(error) && error.code !== 'internal';
          logger[known ? 'warn' : 'error']({ err: error, key }, 'webhook: processing after acknowledgement failed');
        },
      )
      .finally(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    chains.set(key, next);
  }

  function runMessage(tenantId: string, channel: ChannelId, m: InboundMessage, outbound: ChannelInstance | undefined): Promise<TurnResult> | null {
    const parsed = inboundTurnSchema.safeParse({
      text: m.text?.slice(0, 4000),
      payload: m.payload?.slice(0, 1000),
      channel,
      user: { id: m.userId, ...(m.userName ? { name: m.userName } : {}) },
    });
    if (!parsed.success) return null;
    const origin = { channel, address: m.address, externalId: m.externalId, ...(m.confidence === undefined ? {} : { confidence: m.confidence }), ...(outbound ? { outbound } : {}) };
    return deps.turns.run(tenantId, toConversationId(channel, m.conversationKey), parsed.data, origin);
  }

  async function recordStatus(tenantId: string, channel: ChannelId, event: StatusEvent): Promise<void> {
    const conversationId = event.upTo ? toConversationId(channel, event.upTo.conversationKey) : null;
    await deps.sql.withTenant(tenantId, async (tx) => {
      const messageIds = await deps.outbox.recordStatus(tx, tenantId, channel, event, conversationId);
      await deps.messages.setDelivery(tx, tenantId, messageIds, { status: event.status, at: event.at, ...(event.error ? { error: event.error } : {}) });
    });
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
      const fresh: InboundMessage[] = [];
      for (const event of events) {
        if (event.kind === 'status') enqueue(`status:${tenantId}:${channel}`, () => recordStatus(tenantId, channel, event));
        else if (await deps.dedupe.isFirst(tenantId, channel, event.externalId)) fresh.push(event);
      }
      if (mode === 'sync') {
        const first = fresh[0];
        const outcome = first ? await runMessage(tenantId, channel, first, undefined)?.catch((error: unknown) => {
          logger.error({ err: error, tenantId, channel }, 'webhook: synchronous turn failed');
          return SORRY;
        }) : null;
        return instance.respond?.(outcome ?? null, request) ?? respond(200, 'ok');
      }
      for (const m of fresh) {
        enqueue(`${tenantId}:${toConversationId(channel, m.conversationKey)}`, () => runMessage(tenantId, channel, m, instance) ?? Promise.resolve());
      }
      return respond(200, 'ok');
    },

    /** Waits until every acknowledged webhook has been processed. */
    async drain(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
