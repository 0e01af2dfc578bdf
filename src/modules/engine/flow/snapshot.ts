/**
 * What a conversation keeps between turns: its stored, versioned snapshot. The interpreter's
 * working context (FlowContext) is built from it at the start of each turn and turned back into it
 * at the end; the per-turn part (work queue, pending effect, the message, states visited) is never
 * stored, so changing how a turn runs cannot break a conversation in progress. Nothing of a turn
 * needs to outlive a crash: a turn's snapshot is saved whole with its trace when it ends, and a
 * turn interrupted before that is run again from the previous snapshot.
 */
import { z } from 'zod';
import { newInternals, type FlowContext, type FlowFrame, type FlowInternals, type HandoffMark } from './context.js';

/** Written by this version; `readSnapshot` upgrades older ones to it. */
export const SNAPSHOT_VERSION = 2;

/** Internals used within a turn only: started afresh for each turn. */
type TurnScratch = 'message' | 'pendingMessage' | 'visited' | 'effectSeq' | 'pending';
/** Every other internal is kept; adding one to FlowInternals fails to compile here until it is stored or named above. */
type KeptInternals = Pick<FlowInternals, Exclude<keyof FlowInternals, TurnScratch>>;

export interface HistoryEntry {
  role: 'user' | 'assistant';
  text: string;
}

export type ConversationSnapshot = Pick<FlowContext, 'state' | 'slots' | 'vars' | 'user' | 'turn' | 'tags'> &
  KeptInternals & {
    v: typeof SNAPSHOT_VERSION;
    /** Between turns a conversation waits for the user, has ended (the next message starts over) or is with a person. */
    status: 'waiting' | 'ended' | 'handoff';
    /** Recent messages, oldest first, for `generate`, `answer` and `agent` states (kept by the executor, bounded). */
    history: HistoryEntry[];
  };

const data = z.record(z.string(), z.unknown());
const names = z.array(z.string());

export const flowFrameSchema: z.ZodType<FlowFrame> = z.object({
  flowId: z.string(),
  version: z.number().int(),
  name: z.string(),
  state: z.string(),
  slots: data,
  vars: data,
  returnStack: names,
  skipped: names,
});

export const handoffMarkSchema: z.ZodType<HandoffMark> = z.object({ state: z.string(), at: z.string(), resume: z.string().nullable(), agent: z.string().nullable() });

export const historySchema: z.ZodType<HistoryEntry[]> = z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() }));

export const snapshotSchema = z.object({
  v: z.literal(SNAPSHOT_VERSION),
  state: z.string().nullable(),
  status: z.enum(['waiting', 'ended', 'handoff']),
  slots: data,
  vars: data,
  user: data,
  turn: z.number().int().min(0),
  tags: names,
  history: historySchema,
  /** The last integration or sub-flow result (`result` in templates), which later turns may read. */
  result: z.unknown(),
  fallbackCount: z.number().int().min(0),
  slotAttempts: z.record(z.string(), z.number().int()),
  awaitingConfirmation: z.boolean(),
  choosingSlot: z.boolean(),
  skipped: names,
  returnStack: names,
  frames: z.array(flowFrameSchema),
  handoff: handoffMarkSchema.nullable(),
}) satisfies z.ZodType<ConversationSnapshot>;

/** A conversation that has not started, or that starts over with its next message. */
export function endedSnapshot(user: Record<string, unknown> = {}): ConversationSnapshot {
  return toSnapshot({ state: null, status: 'ended', slots: {}, vars: {}, user, turn: 0, tags: [], internal: newInternals() }, []);
}

/** The snapshot a turn leaves; `history` is the executor's, which `step` never sees. */
export function toSnapshot(ctx: FlowContext, history: HistoryEntry[]): ConversationSnapshot {
  const { internal } = ctx;
  const kept: KeptInternals = {
    result: internal.result ?? null,
    fallbackCount: internal.fallbackCount,
    slotAttempts: internal.slotAttempts,
    awaitingConfirmation: internal.awaitingConfirmation,
    choosingSlot: internal.choosingSlot,
    skipped: internal.skipped,
    returnStack: internal.returnStack,
    frames: internal.frames,
    handoff: internal.handoff,
  };
  // A run stopped mid-way (never by a settled turn) is taken up as an ended one: the next message starts over.
  const status = ctx.status === 'active' ? 'ended' : ctx.status;
  return { v: SNAPSHOT_VERSION, state: ctx.state, status, slots: ctx.slots, vars: ctx.vars, user: ctx.user, turn: ctx.turn, tags: ctx.tags, history, ...kept };
}

/** The interpreter's context for a new turn: what the snapshot kept, and a fresh turn's scratch. */
export function fromSnapshot(s: ConversationSnapshot): FlowContext {
  const kept: KeptInternals = {
    result: s.result,
    fallbackCount: s.fallbackCount,
    slotAttempts: s.slotAttempts,
    awaitingConfirmation: s.awaitingConfirmation,
    choosingSlot: s.choosingSlot,
    skipped: s.skipped,
    returnStack: s.returnStack,
    frames: s.frames,
    handoff: s.handoff,
  };
  return { state: s.state, status: s.status, slots: s.slots, vars: s.vars, user: s.user, turn: s.turn, tags: s.tags, internal: { ...newInternals(), ...kept } };
}
