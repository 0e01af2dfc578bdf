import type { Clock } from '../../shared/clock.js';
import type { Engine, InboundTurn, TurnResult } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import type { Address, ChannelInstance } from './channels/define-channel.js';
import type { ChannelId } from './contract.js';
import type { createMessageStore } from './message-store.js';
import type { NewSend, OutboxStore } from './outbox-store.js';

/** Where a turn came from on a platform, and how its replies go back (through the outbox, or inline). */
export interface Origin {
  channel: ChannelId;
  address: Address;
  externalId?: string;
  confidence?: number;
  /** Set for channels that push replies later; sync channels and web chat answer inline. */
  outbound?: ChannelInstance;
}

/**
 * One turn: the inbound message is stored before the engine runs (kept even if the turn fails);
 * the replies, their outbox sends and a handoff mark are then written in one transaction, so a
 * stored reply is never left without its delivery.
 */
export function createTurns(deps: {
  sql: Sql;
  engine: Engine;
  clock: Clock;
  messages: ReturnType<typeof createMessageStore>;
  outbox: OutboxStore;
  kick: () => void;
  /** Counts the message against the tenant's daily quota; throws rate_limited past it. */
  consumeQuota: (tenantId: string) => Promise<void>;
}) {
  const { sql, engine, messages, outbox } = deps;
  return {
    async run(tenantId: string, conversationId: string, message: InboundTurn, origin?: Origin): Promise<TurnResult> {
      await deps.consumeQuota(tenantId);
      await sql.withTenant(tenantId, async (tx) => {
        await messages.touchConversation(tx, tenantId, conversationId, message.channel, origin?.address);
        await messages.append(tx, tenantId, conversationId, [
          {
            direction: 'inbound',
            channel: message.channel,
            text: message.text ?? null,
            payload: message.payload ?? null,
            reply: null,
            turnId: null,
            ...(origin?.externalId ? { externalId: origin.externalId } : {}),
            ...(origin?.confidence === undefined ? {} : { confidence: origin.confidence }),
          },
        ]);
      });
      const result = await engine.processMessage(tenantId, conversationId, message);
      const queued = await sql.withTenant(tenantId, async (tx) => {
        const ids = await messages.append(
          tx,
          tenantId,
          conversationId,
          result.replies.map((reply) => ({ direction: 'outbound', channel: message.channel, text: reply.text, payload: null, reply, turnId: result.turnId })),
        );
        const sends: NewSend[] = origin?.outbound
          ? result.replies.flatMap((reply, i) =>
              origin.outbound!.render(reply, origin.address).map((payload) => ({ conversationId, channel: origin.channel, messageId: ids[i] ?? null, payload })),
            )
          : [];
        await outbox.enqueue(tx, tenantId, sends);
        if (result.handoff) {
          const doc = await messages.getDoc(tx, tenantId, conversationId);
          if (doc?.status !== 'handoff') await messages.patchDoc(tx, tenantId, conversationId, { status: 'handoff', handoff: { at: deps.clock.isoNow(), by: 'flow' } });
        }
        return sends.length > 0;
      });
      if (queued) deps.kick();
      return result;
    },
  };
}

export type Turns = ReturnType<typeof createTurns>;
