/**
 * Trace events of one turn, for bot builders (DESIGN §3.5). Each is plain JSON with `at`, the
 * event's `now`, so `step` stays free of clocks.
 */
import type { IntentScore } from '../../models/contract.js';
import type { PendingEffect } from './step-types.js';

type State = string | null;

export type TraceEventBody =
  | { type: 'state_entered'; state: string }
  | { type: 'state_exited'; state: string }
  /** `reason`: `transitions[0]`, `global[1]`, `next`, `fallback`, `on_error`, `on_exhausted`, `confirm_no`. */
  | { type: 'transition'; from: string; to: string; reason: string }
  | { type: 'intent'; name: string | null; confidence: number | null; provider: string; alternatives: IntentScore[] }
  | { type: 'entities'; entities: { entity: string; value: unknown; text: string }[] }
  | { type: 'slot_set'; state: State; slot: string; value: unknown; source: 'entity' | 'payload' | 'text' | 'action' }
  | { type: 'slot_rejected'; state: State; slot: string; value: unknown; reason: 'invalid' | 'missing'; attempts: number }
  | { type: 'var_set'; state: State; path: string; value: unknown }
  | { type: 'action'; state: State; kind: string; detail?: unknown }
  | { type: 'reply'; state: State; text: string }
  | { type: 'effect_requested'; state: State; effect: PendingEffect }
  | { type: 'effect_result'; state: State; effectId: string; ok: boolean; value?: unknown; error?: { code: string; message: string } }
  | { type: 'condition_error'; state: State; condition: string; message: string }
  | { type: 'template_error'; state: State; template: string; message: string }
  | { type: 'step_limit'; state: State; limit: number; states: string[] }
  | { type: 'ended'; state: string; goal: boolean }
  | { type: 'handoff'; state: string }
  /** What a question retrieved from the knowledge base (an `answer` state, or an agent's search). */
  | { type: 'knowledge_search'; state: State; question: string; mode: string; hits: { source: string; chunk: number; score: number; coverage: number }[]; method?: string }
  /** A `flow` state called another flow, or the called flow ended and its caller carries on. */
  | { type: 'flow_called'; state: string; flow: string; version: number; depth: number }
  | { type: 'flow_returned'; state: string; flow: string; output: Record<string, unknown> }
  /** Conversation repair: `correct`, `skip`, `cancel`, `return` (to an interrupted state), `change` (a confirmed slot). */
  | { type: 'repair'; state: State; kind: 'correct' | 'skip' | 'cancel' | 'return' | 'change'; slot?: string; to?: string }
  | { type: 'error'; state: State; code: string; message: string }
  /** Added by the executor (the effectful shell), which is where calls and their latency are known. */
  | { type: 'integration_call'; state: State; integration: string; operation: string; ok: boolean; latencyMs: number; error?: { code: string; message: string } }
  | {
      type: 'model_call';
      state: State;
      task: 'intent' | 'entities' | 'generate' | 'sentiment';
      provider: string;
      model: string;
      ok: boolean;
      latencyMs: number;
      tokensIn?: number;
      tokensOut?: number;
      costUsd?: number;
      cached?: boolean;
      priced?: boolean;
      error?: { code: string; message: string };
    };

export type TraceEvent = TraceEventBody & { at: string };
export type TraceEventType = TraceEvent['type'];
