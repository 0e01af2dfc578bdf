/**
 * The conversation's flow context: what `step` reads and returns, all plain JSON. Between turns a
 * conversation keeps only its snapshot (snapshot.ts); `internal` also holds what one turn needs.
 */
import type { ExtractedEntity, IntentScore } from '../../models/contract.js';
import type { MessageContent } from './inbound-content.js';
import type { PendingEffect } from './step-types.js';

/** The user message as the states of a turn see it (attachments, location, form only when sent). */
export interface TurnMessage extends MessageContent {
  text: string | null;
  payload: string | null;
  channel: string;
  intent: string | null;
  confidence: number | null;
  /** Who classified it: the NLU provider, `postback` for a payload naming an intent, or `none`. */
  provider: string;
  alternatives: IntentScore[];
  entities: ExtractedEntity[];
  /** Only when the flow's conditions or templates read `nlu.sentiment`. */
  sentiment?: { label: 'positive' | 'negative' | 'neutral'; score: number };
}

/** Where a list of actions lives in the flow, so that a run can resume inside it. */
export type ActionListRef =
  | { list: 'on_entry' | 'on_exit'; state: string }
  | { list: 'transition'; state: string; index: number }
  | { list: 'global'; index: number };

/** One unit of the run's work queue (see run-queue.ts). */
export type Phase =
  | { at: 'enter'; state: string }
  | { at: 'actions'; ref: ActionListRef; index: number; state: string }
  | { at: 'work'; state: string }
  | { at: 'transitions'; state: string }
  | { at: 'exited'; state: string };

/** What to do with an effect's result once it arrives. */
export type Resume =
  | { kind: 'integration'; state: string }
  | { kind: 'generate'; state: string }
  | { kind: 'flow'; state: string }
  | { kind: 'answer'; state: string }
  | { kind: 'agent'; state: string }
  | { kind: 'call'; state: string; saveAs: string | null };

export interface PendingPoint {
  effect: PendingEffect;
  resume: Resume;
  queue: Phase[];
}

/** A sub-flow call in progress: the called flow, and the caller's state and data to return to. */
export interface FlowFrame {
  flowId: string;
  version: number;
  name: string;
  /** The caller's `flow` state, whose transitions run when the called flow ends. */
  state: string;
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  returnStack: string[];
  skipped: string[];
}

/** A handoff in progress: when it began, where the flow resumes on hand-back, who has it. */
export interface HandoffMark {
  state: string;
  at: string;
  /** The waiting state the user was in when the handoff began. */
  resume: string | null;
  agent: string | null;
}

export interface FlowInternals {
  /** The message this turn's states see; null before a new run's first waiting state takes it. */
  message: TurnMessage | null;
  /** A new run's message, waiting for the first state that waits for input. */
  pendingMessage: TurnMessage | null;
  /** The last integration result (`result` in the scope). */
  result: unknown;
  /** Consecutive misses in the current intent state. */
  fallbackCount: number;
  /** Failed answers per slot in the current slot_filling state. */
  slotAttempts: Record<string, number>;
  awaitingConfirmation: boolean;
  /** States entered during this turn, for the step limit. */
  visited: string[];
  effectSeq: number;
  pending: PendingPoint | null;
  /** Waiting states interrupted by a global transition, newest last; `@return` goes back to the top one. */
  returnStack: string[];
  /** Sub-flow calls in progress, outermost first; the last one's flow is the one running. */
  frames: FlowFrame[];
  /** Skippable slots the user skipped in this run. */
  skipped: string[];
  /** A confirmation's "no" asked which slot to change; the next message names it. */
  choosingSlot: boolean;
  handoff: HandoffMark | null;
}

export interface FlowContext {
  state: string | null;
  status: 'active' | 'waiting' | 'ended' | 'handoff';
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  user: Record<string, unknown>;
  /** User messages seen in this conversation. */
  turn: number;
  tags: string[];
  internal: FlowInternals;
}

export function newInternals(): FlowInternals {
  return {
    message: null,
    pendingMessage: null,
    result: null,
    fallbackCount: 0,
    slotAttempts: {},
    awaitingConfirmation: false,
    visited: [],
    effectSeq: 0,
    pending: null,
    returnStack: [],
    frames: [],
    skipped: [],
    choosingSlot: false,
    handoff: null,
  };
}

export function newContext(user: Record<string, unknown> = {}): FlowContext {
  return { state: null, status: 'active', slots: {}, vars: {}, user: { ...user }, turn: 0, tags: [], internal: newInternals() };
}
