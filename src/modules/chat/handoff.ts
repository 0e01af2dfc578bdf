import { AppError } from '../../shared/app-error.js';
import { HANDOFF_TIMER, type Reply, type TurnService } from '../engine/contract.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import { channelIdSchema, type ConversationSummary, type StoredMessage } from './contract.js';
import type { ConversationDoc } from './message-store.js';
import type { createMessageStore } from './message-store.js';
import type { OutboxStore } from './outbox-store.js';
import type { ScheduleStore } from './schedule-store.js';
import { lastInboundAt, withinWindow } from './whatsapp-window.js';

/**
 * The person's side of a handoff: assigning it to an agent (the bot then stays silent), replies
 * written by an agent, which go out through the conversation's channel (via the outbox, like the
 * bot's) and are stored, and handing back, which clears the mark and sends what the bot says as
 * its flow resumes. Either ends the handoff's waiting timeout: its timer is cancelled with the change.
 */
export function createHandoff(deps: {
  sql: Sql;
  engine: TurnService;
  configs: ChannelConfigs;
  messages: ReturnType<typeof createMessageStore>;
  outbox: OutboxStore;
  schedules: ScheduleStore;
  kick: () => void;
  now: () => number;
}) {
  const { sql, messages } = deps;
  const notFound = (id: string) => new AppError('conversation_not_found', `No conversation '${id}' in this workspace.`);

  /**
   * WhatsApp's 24-hour window: outside it an agent's free-form reply is refused (409, saying what
   * to do) unless the channel has a window template, which is sent instead; the bot's replies on
   * hand-back take the template too, or go as they are (Meta's refusal is then recorded in the outbox).
   */
  async function inWhatsAppWindow(tx: SqlExecutor, tenantId: string, conversationId: string, replies: { reply: Reply; author: 'bot' | 'agent' }[]) {
    const last = await lastInboundAt(tx, tenantId, conversationId);
    const template = (await deps.configs.settings(tenantId, 'whatsapp'))?.config.windowTemplate as { name: string; language: string } | undefined;
    return replies.map(({ reply, author }) => {
      if (author === 'agent') return { reply: withinWindow(reply, last, deps.now(), template), author };
      return { reply: template ? withinWindow(reply, last, deps.now(), template) : reply, author };
    });
  }

  /** Stores outbound messages and queues their sends on the conversation's channel, in `tx`. */
  async function deliver(tx: SqlExecutor, tenantId: string, conversationId: string, doc: ConversationDoc, replies: { reply: Reply; author: 'bot' | 'agent' }[]): Promise<string[]> {
    const channel = channelIdSchema.safeParse(doc.channel);
    // Web chat and API conversations read their history; platform conversations get a push.
    const outbound = channel.success && doc.address ? await deps.configs.instance(tenantId, channel.data) : null;
    if (channel.success && channel.data === 'whatsapp') replies = await inWhatsAppWindow(tx, tenantId, conversationId, replies);
    await messages.touchConversation(tx, tenantId, conversationId, doc.channel);
    const ids = await messages.append(
      tx,
      tenantId,
      conversationId,
      replies.map(({ reply, author }) => ({ direction: 'outbound' as const, channel: doc.channel, text: reply.text, payload: null, reply, turnId: null, author })),
    );
    if (outbound && channel.success) {
      const sends = replies.flatMap(({ reply }, i) => outbound.render(reply, doc.address ?? {}).map((payload) => ({ conversationId, channel: channel.data, messageId: ids[i] ?? null, payload })));
      await deps.outbox.enqueue(tx, tenantId, sends);
    }
    return ids;
  }

  /** Gives a handed-off conversation to an agent (null: back to the queue); the engine and the inbox agree. */
  async function assign(tenantId: string, conversationId: string, agent: string | null, now: string): Promise<ConversationSummary> {
    const doc = await sql.withTenant(tenantId, (tx) => messages.getDoc(tx, tenantId, conversationId));
    if (!doc) throw notFound(conversationId);
    await deps.engine.assignHandoff(tenantId, conversationId, agent, {
      commit: async (tx) => {
        const handoff = { at: doc.handoff?.at ?? now, by: doc.handoff?.by ?? ('flow' as const), assignee: agent };
        await messages.patchDoc(tx, tenantId, conversationId, { status: 'handoff', handoff });
        if (agent !== null) await deps.schedules.cancelKey(tx, tenantId, conversationId, HANDOFF_TIMER.key);
      },
    });
    return (await messages.summary(tenantId, conversationId))!;
  }

  return {
    assign,

    /** `agent` (who writes) takes a handed-off conversation nobody has yet, so the bot's waiting messages stop. */
    async sendAgentReply(tenantId: string, conversationId: string, text: string, by?: { agent: string; now: string }): Promise<StoredMessage> {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.length > 4000) throw new AppError('bad_request', 'An agent reply needs 1–4,000 characters of text.');
      const doc = await sql.withTenant(tenantId, (tx) => messages.getDoc(tx, tenantId, conversationId));
      if (!doc) throw notFound(conversationId);
      if (by && doc.status === 'handoff' && !doc.handoff?.assignee) await assign(tenantId, conversationId, by.agent, by.now);
      const [id] = await sql.withTenant(tenantId, (tx) => deliver(tx, tenantId, conversationId, doc, [{ reply: { type: 'text', text: trimmed }, author: 'agent' }]));
      deps.kick();
      return (await messages.get(tenantId, id!))!;
    },

    /** The engine resumes the flow and the mark is cleared in one transaction; the bot's replies go out with it. */
    async handBack(tenantId: string, conversationId: string, now: string): Promise<ConversationSummary & { replies: Reply[] }> {
      let found = false;
      const result = await deps.engine.handBack(tenantId, conversationId, {
        commit: async (tx, outcome) => {
          found = await messages.patchDoc(tx, tenantId, conversationId, { status: 'active', handoff: null, handedBackAt: now });
          await deps.schedules.cancelKey(tx, tenantId, conversationId, HANDOFF_TIMER.key);
          const doc = found ? await messages.getDoc(tx, tenantId, conversationId) : null;
          if (doc && outcome.replies.length > 0) await deliver(tx, tenantId, conversationId, doc, outcome.replies.map((reply) => ({ reply, author: 'bot' as const })));
        },
      });
      if (!found) throw notFound(conversationId);
      if (result.replies.length > 0) deps.kick();
      return { ...(await messages.summary(tenantId, conversationId))!, replies: result.replies };
    },
  };
}
