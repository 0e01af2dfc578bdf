import type { Clock } from '../../shared/clock.js';
import type { Engine, InboundTurn, TurnHooks, TurnResult } from '../engine/contract.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { Address, ChannelInstance } from './channels/define-channel.js';
import type { ChannelId } from './contract.js';
import type { createMessageStore, MessageDoc } from './message-store.js';
import type { NewSend, OutboxStore } from './outbox-store.js';
import type { ScheduleStore } from './schedule-store.js';

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
 * One turn: the engine runs it under the conversation's lock and, in the same transaction as the
 * context, stores the inbound message, the replies, their outbox sends and a handoff mark. A turn
 * is therefore stored whole or not at all, and a retried message id gets the stored result back.
 */
export function createTurns(deps: {
  engine: Engine;
  clock: Clock;
  messages: ReturnType<typeof createMessageStore>;
  outbox: OutboxStore;
  /** Where the turn's `schedule` / `unschedule` actions are stored, with the turn. */
  schedules: ScheduleStore;
  kick: () => void;
  /** Counts the message against the tenant's daily quota; throws rate_limited past it. */
  consumeQuota: (tenantId: string) => Promise<void>;
}) {
  const { engine, messages, outbox } = deps;

  async function store(tx: SqlExecutor, tenantId: string, conversationId: string, message: InboundTurn, origin: Origin | undefined, result: TurnResult): Promise<number> {
    await messages.touchConversation(tx, tenantId, conversationId, message.channel, origin?.address);
    const externalId = origin?.externalId ?? message.id;
    const inbound: MessageDoc = {
      direction: 'inbound',
      channel: message.channel,
      text: message.text ?? null,
      payload: message.payload ?? null,
      reply: null,
      turnId: result.turnId,
      ...(externalId ? { externalId } : {}),
      ...(origin?.confidence === undefined ? {} : { confidence: origin.confidence }),
      ...(message.attachments ? { attachments: message.attachments } : {}),
      ...(message.location ? { location: message.location } : {}),
      ...(message.form ? { form: message.form } : {}),
    };
    const replies = result.replies.map((reply): MessageDoc => ({ direction: 'outbound', channel: message.channel, text: reply.text, payload: null, reply, turnId: result.turnId }));
    const ids = await messages.append(tx, tenantId, conversationId, [inbound, ...replies]);
    const sends: NewSend[] = origin?.outbound
      ? result.replies.flatMap((reply, i) =>
          origin.outbound!.render(reply, origin.address).map((payload) => ({ conversationId, channel: origin.channel, messageId: ids[i + 1] ?? null, payload })),
        )
      : [];
    await outbox.enqueue(tx, tenantId, sends);
    if (result.schedules?.length) await deps.schedules.record(tx, tenantId, conversationId, message.channel, result.schedules);
    if (result.handoff) {
      const doc = await messages.getDoc(tx, tenantId, conversationId);
      if (doc?.status !== 'handoff') await messages.patchDoc(tx, tenantId, conversationId, { status: 'handoff', handoff: { at: deps.clock.isoNow(), by: 'flow' } });
    } else if (result.leftHandoff) {
      await messages.patchDoc(tx, tenantId, conversationId, { status: 'active', handoff: null, handedBackAt: deps.clock.isoNow() });
    }
    return sends.length;
  }

  return {
    async run(tenantId: string, conversationId: string, message: InboundTurn, origin?: Origin, commit?: TurnHooks['commit']): Promise<TurnResult> {
      await deps.consumeQuota(tenantId);
      let queued = 0;
      const result = await engine.processMessage(tenantId, conversationId, message, {
        async commit(tx, outcome) {
          queued = await store(tx, tenantId, conversationId, message, origin, outcome);
          await commit?.(tx, outcome);
        },
      });
      if (queued > 0) deps.kick();
      return result;
    },
  };
}

export type Turns = ReturnType<typeof createTurns>;
