import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import { stagedRows, type InboundTurn, type StagedRows, type TurnHooks, type TurnResult, type TurnService } from '../engine/contract.js';
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
  engine: TurnService;
  clock: Clock;
  ids: Ids;
  messages: ReturnType<typeof createMessageStore>;
  outbox: OutboxStore;
  /** Where the turn's `schedule` / `unschedule` actions are stored, with the turn. */
  schedules: ScheduleStore;
  kick: () => void;
  /** Counts the message against the tenant's daily quota; throws rate_limited past it. */
  consumeQuota: (tenantId: string) => Promise<void>;
}) {
  const { engine, messages, outbox } = deps;

  /** The transcript and outbox rows of a turn, written with other turns' rows by the engine's group commit. */
  function stage(conversationId: string, message: InboundTurn, origin: Origin | undefined, result: TurnResult): { rows: StagedRows[]; sends: number } {
    const at = deps.clock.isoNow();
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
    const rows = [inbound, ...replies].map((doc) => ({ id: deps.ids.uuid(), conversationId, doc, at }));
    const sends: NewSend[] = origin?.outbound
      ? result.replies.flatMap((reply, i) =>
          origin.outbound!.render(reply, origin.address).map((payload) => ({ conversationId, channel: origin.channel, messageId: rows[i + 1]?.id ?? null, payload })),
        )
      : [];
    const touch = { conversationId, channel: message.channel, ...(origin?.address ? { address: origin.address } : {}), at };
    return {
      rows: [stagedRows(messages.touchConversations, [touch]), stagedRows(messages.appendMessages, rows), stagedRows(outbox.enqueue, sends)],
      sends: sends.length,
    };
  }

  /** What cannot be staged as rows, in the turn's transaction: schedules, and the handoff mark the inbox finds; nothing for most turns. */
  function extras(tenantId: string, conversationId: string, message: InboundTurn, result: TurnResult): ((tx: SqlExecutor) => Promise<void>) | undefined {
    if (!result.schedules?.length && !result.handoff && !result.leftHandoff) return undefined;
    return async (tx) => {
      if (result.schedules?.length) await deps.schedules.record(tx, tenantId, conversationId, message.channel, result.schedules);
      if (result.handoff) {
        const doc = await messages.getDoc(tx, tenantId, conversationId);
        if (doc?.status !== 'handoff') await messages.patchDoc(tx, tenantId, conversationId, { status: 'handoff', handoff: { at: deps.clock.isoNow(), by: 'flow' } });
      } else if (result.leftHandoff) {
        await messages.patchDoc(tx, tenantId, conversationId, { status: 'active', handoff: null, handedBackAt: deps.clock.isoNow() });
      }
    };
  }

  return {
    /** `hooks` adds the caller's own rows and statements (an inbox item marked done) to the turn's commit. */
    async run(tenantId: string, conversationId: string, message: InboundTurn, origin?: Origin, hooks: TurnHooks = {}): Promise<TurnResult> {
      await deps.consumeQuota(tenantId);
      let queued = 0;
      const result = await engine.processMessage(tenantId, conversationId, message, {
        stage(outcome) {
          const staged = stage(conversationId, message, origin, outcome);
          queued = staged.sends;
          return [...staged.rows, ...(hooks.stage?.(outcome) ?? [])];
        },
        commit(outcome) {
          const own = extras(tenantId, conversationId, message, outcome);
          const caller = hooks.commit?.(outcome);
          if (!own || !caller) return own ?? caller;
          return async (tx) => {
            await own(tx);
            await caller(tx);
          };
        },
      });
      if (queued > 0) deps.kick();
      return result;
    },
  };
}

export type Turns = ReturnType<typeof createTurns>;
