import { isDeepStrictEqual } from 'node:util';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Reply } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { BotSends } from './bot-sends.js';
import type { ChannelConfigs } from './channel-configs.js';
import { channelDefinition } from './channels/registry.js';
import type { StartConversationInput, StartedConversation } from './contract.js';
import type { createMessageStore } from './message-store.js';
import { toConversationId } from './webhooks.js';

interface StartRow extends Record<string, unknown> {
  request: StartConversationInput;
  conversation_id: string;
  channel: StartedConversation['channel'];
  created_at: string;
}


/** JSONB keeps keys in its own order: compare values, not text. */
const sameRequest = (a: StartConversationInput, b: StartConversationInput) => isDeepStrictEqual(a, b);

/**
 * Conversations the business starts: a WhatsApp template (or text inside the window), a Slack DM,
 * an outbound call. One idempotency key, one conversation: a repeat gets the first answer, a key
 * reused for another request is refused. The first message is stored and queued (the outbox
 * retries it) in the same transaction as the key; a call is placed at once (its sid names it).
 */
export function createProactive(deps: { sql: Sql; configs: ChannelConfigs; botSends: BotSends; messages: ReturnType<typeof createMessageStore>; kick: () => void; clock: Clock }) {
  const { sql } = deps;

  async function existing(tenantId: string, input: StartConversationInput): Promise<StartedConversation | null> {
    const [row] = await sql.withTenant(tenantId, (tx) =>
      tx.query<StartRow>('SELECT request, conversation_id, channel, created_at FROM chat_starts WHERE tenant_id = $1 AND idempotency_key = $2', [tenantId, input.idempotencyKey]),
    );
    if (!row) return null;
    if (!sameRequest(row.request, input)) throw new AppError('conflict', `Idempotency key '${input.idempotencyKey}' was used for another request; use a new key for a new conversation.`);
    return { conversationId: row.conversation_id, channel: row.channel, idempotencyKey: input.idempotencyKey, created: false, createdAt: row.created_at };
  }

  return {
    async start(tenantId: string, input: StartConversationInput): Promise<StartedConversation> {
      const earlier = await existing(tenantId, input);
      if (earlier) return earlier;
      const recipient = channelDefinition(input.channel).recipient;
      if (recipient && !recipient.pattern.test(input.to)) throw new AppError('bad_request', `to: '${input.to.slice(0, 100)}' is not ${recipient.hint}.`);
      if (input.template && input.channel !== 'whatsapp') throw new AppError('bad_request', 'template: only WhatsApp has message templates; send `text` on this channel.');
      const instance = await deps.configs.instance(tenantId, input.channel);
      if (!instance?.startConversation) throw new AppError('bad_request', `The ${input.channel} channel is not configured (or is disabled) in this workspace.`);
      const first: Reply = { type: 'text', text: input.text ?? '', ...(input.template ? { template: input.template } : {}) };
      const started = await instance.startConversation({ to: input.to, ...(input.from ? { from: input.from } : {}) }, first);
      const conversationId = toConversationId(input.channel, started.conversationKey);
      const createdAt = deps.clock.isoNow();
      let queued = 0;
      try {
        await sql.withTenant(tenantId, async (tx) => {
          // The key first: a concurrent twin fails here (unique) before anything is queued twice.
          await tx.query('INSERT INTO chat_starts (tenant_id, idempotency_key, request, conversation_id, channel, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
            tenantId,
            input.idempotencyKey,
            JSON.stringify(input),
            conversationId,
            input.channel,
            createdAt,
          ]);
          await deps.messages.touchConversation(tx, tenantId, conversationId, input.channel, started.address);
          if (started.delivered) {
            await deps.messages.append(tx, tenantId, conversationId, [{ direction: 'outbound', channel: input.channel, text: first.text, payload: null, reply: first, turnId: null, author: 'bot' }]);
          } else {
            queued = await deps.botSends.send(tx, tenantId, conversationId, first);
          }
        });
      } catch (error) {
        const twin = await existing(tenantId, input).catch(() => null);
        if (twin) return twin;
        throw error;
      }
      if (queued > 0) deps.kick();
      return { conversationId, channel: input.channel, idempotencyKey: input.idempotencyKey, created: true, createdAt };
    },
  };
}
