import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Reply } from '../engine/contract.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import { channelDefinition } from './channels/registry.js';
import { channelIdSchema } from './contract.js';
import type { createMessageStore } from './message-store.js';
import type { OutboxStore } from './outbox-store.js';
import { lastInboundAt, withinWindow } from './whatsapp-window.js';

/**
 * Bot messages outside a turn (scheduled follow-ups, proactive starts): stored in the transcript
 * and queued on the conversation's channel in the caller's transaction, WhatsApp's 24-hour window
 * applied. Web chat and API conversations only get the transcript (the page reads its history).
 */
export function createBotSends(deps: { configs: ChannelConfigs; messages: ReturnType<typeof createMessageStore>; outbox: OutboxStore; clock: Clock }) {
  const { messages } = deps;

  return {
    /** Returns how many platform sends were queued; throws AppError('conflict') when WhatsApp's window forbids the message. */
    async send(tx: SqlExecutor, tenantId: string, conversationId: string, reply: Reply): Promise<number> {
      const doc = await messages.getDoc(tx, tenantId, conversationId);
      if (!doc) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
      const channel = channelIdSchema.safeParse(doc.channel);
      // A synchronous channel (a phone call) answers only inside its webhook's response.
      if (channel.success && channelDefinition(channel.data).capabilities.webhook === 'sync') {
        throw new AppError('conflict', `A ${channel.data} conversation cannot get a message outside its call; start a new call instead.`);
      }
      let sent = reply;
      if (channel.success && channel.data === 'whatsapp') {
        const settings = await deps.configs.settings(tenantId, 'whatsapp');
        const template = settings?.config.windowTemplate as { name: string; language: string } | undefined;
        sent = withinWindow(reply, await lastInboundAt(tx, tenantId, conversationId), deps.clock.now(), template);
      }
      const outbound = channel.success && doc.address ? await deps.configs.instance(tenantId, channel.data) : null;
      await messages.touchConversation(tx, tenantId, conversationId, doc.channel);
      const [messageId] = await messages.append(tx, tenantId, conversationId, [{ direction: 'outbound', channel: doc.channel, text: sent.text, payload: null, reply: sent, turnId: null, author: 'bot' }]);
      if (!outbound || !channel.success) return 0;
      const sends = outbound.render(sent, doc.address ?? {}).map((payload) => ({ conversationId, channel: channel.data, messageId: messageId ?? null, payload }));
      await deps.outbox.enqueue(tx, tenantId, sends);
      return sends.length;
    },
  };
}

export type BotSends = ReturnType<typeof createBotSends>;
