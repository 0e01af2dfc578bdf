/**
 * The conversation's flow context: what `step` reads and returns. Everything is plain JSON so the
 * executor can cache and store it as is.
 */
import type { ExtractedEntity, IntentScore } from '../../models/contract.js';
import type { PendingEffect } from './step-types.js';

/** The user message as the states of a turn see it. */
export interface TurnMessage {
  text: string | null;
  payload: string | null;
  channel: string;
  intent: string | null;
  confidence: number | null;
  /** Who classified it: the NLU provider, `postback` for a payload naming an intent, or `none`. */
  provider: string;
  alternatives: IntentScore[];
  entities: ExtractedEntity[];
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
  | { kind: 'call'; state: string; saveAs: string | null };

export interface PendingPoint {
  effect: PendingEffect;
  resume: Resume;
  queue: Phase[];
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
  };
}

export function newContext(user: Record<string, unknown> = {}): FlowContext {
  return { state: null, status: 'active', slots: {}, vars: {}, user: { ...user }, turn: 0, tags: [], internal: newInternals() };
}
