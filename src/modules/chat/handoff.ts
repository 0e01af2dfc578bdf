import { AppError } from '../../shared/app-error.js';
import type { Engine } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import { channelIdSchema, type ConversationSummary, type StoredMessage } from './contract.js';
import type { createMessageStore } from './message-store.js';
import type { OutboxStore } from './outbox-store.js';

/**
 * The person's side of a handoff: replies written by an agent go out through the conversation's
 * channel (via the outbox, like the bot's) and are stored; handing back clears the mark.
 */
export function createHandoff(deps: { sql: Sql; engine: Engine; configs: ChannelConfigs; messages: ReturnType<typeof createMessageStore>; outbox: OutboxStore; kick: () => void }) {
  const { sql, messages } = deps;
  const notFound = (id: string) => new AppError('conversation_not_found', `No conversation '${id}' in this workspace.`);

  return {
    async sendAgentReply(tenantId: string, conversationId: string, text: string): Promise<StoredMessage> {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.length > 4000) throw new AppError('bad_request', 'An agent reply needs 1–4,000 characters of text.');
      const doc = await sql.withTenant(tenantId, (tx) => messages.getDoc(tx, tenantId, conversationId));
      if (!doc) throw notFound(conversationId);
      const channel = channelIdSchema.safeParse(doc.channel);
      // Web chat and API conversations read their history; platform conversations get a push.
      const outbound = channel.success && doc.address ? await deps.configs.instance(tenantId, channel.data) : null;
      const reply = { type: 'text' as const, text: trimmed };
      const id = await sql.withTenant(tenantId, async (tx) => {
        await messages.touchConversation(tx, tenantId, conversationId, doc.channel);
        const [messageId] = await messages.append(tx, tenantId, conversationId, [
          { direction: 'outbound', channel: doc.channel, text: trimmed, payload: null, reply, turnId: null, author: 'agent' },
        ]);
        if (outbound && channel.success) {
          const payloads = outbound.render(reply, doc.address ?? {});
          await deps.outbox.enqueue(tx, tenantId, payloads.map((payload) => ({ conversationId, channel: channel.data, messageId: messageId ?? null, payload })));
        }
        return messageId!;
      });
      deps.kick();
      return (await messages.get(tenantId, id))!;
    },

    /** The engine leaves `handoff` and the mark is cleared in one transaction. */
    async handBack(tenantId: string, conversationId: string, now: string): Promise<ConversationSummary> {
      let found = false;
      await deps.engine.handBack(tenantId, conversationId, {
        commit: async (tx) => {
          found = await messages.patchDoc(tx, tenantId, conversationId, { status: 'active', handoff: null, handedBackAt: now });
        },
      });
      if (!found) throw notFound(conversationId);
      return (await messages.summary(tenantId, conversationId))!;
    },
  };
}
