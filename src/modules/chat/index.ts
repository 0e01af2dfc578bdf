import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Engine } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { Chat } from './contract.js';
import { createMessageStore } from './message-store.js';

export * from './contract.js';
export { chatMigrations } from './migrations.js';

const MAX_PAGE = 500;

export function createChat(deps: { sql: Sql; engine: Engine; ids: Ids; clock: Clock }): Chat {
  const messages = createMessageStore(deps);
  return {
    async handleMessage(tenantId, conversationId, message) {
      // The inbound message is stored before the turn runs, so it is kept even if the turn fails.
      await deps.sql.withTenant(tenantId, async (tx) => {
        await messages.touchConversation(tx, tenantId, conversationId, message.channel);
        await messages.append(tx, tenantId, conversationId, [
          { direction: 'inbound', channel: message.channel, text: message.text ?? null, payload: message.payload ?? null, reply: null, turnId: null },
        ]);
      });
      const result = await deps.engine.processMessage(tenantId, conversationId, message);
      await deps.sql.withTenant(tenantId, (tx) =>
        messages.append(
          tx,
          tenantId,
          conversationId,
          result.replies.map((reply) => ({
            direction: 'outbound',
            channel: message.channel,
            text: reply.text,
            payload: null,
            reply,
            turnId: result.turnId,
          })),
        ),
      );
      return result;
    },
    getConversation: (tenantId, conversationId) => messages.summary(tenantId, conversationId),
    listMessages: (tenantId, conversationId, options) =>
      messages.list(tenantId, conversationId, Math.min(options?.limit ?? 100, MAX_PAGE)),
  };
}
