/** The inputs and outputs of `step`: plain JSON, so the executor can store and ship them. */
import type { NluResult } from '../../models/contract.js';
import type { EvaluationBudget } from './budget.js';
import type { MessageContent } from './inbound-content.js';
import type { Reply } from './reply-content.js';
import type { CompiledFlow } from './compile-flow.js';
import type { FlowContext } from './context.js';
import type { AgentTool } from './knowledge-state-schema.js';
import type { StepSummary } from './step-summary.js';
import type { TraceEvent } from './trace.js';

export type StepEvent =
  | ({ type: 'message'; text?: string; payload?: string; nlu: NluResult | null; channel: string; user?: Record<string, unknown>; now: string } & MessageContent)
  | { type: 'effect_result'; effectId: string; ok: true; value: unknown; now: string }
  | { type: 'effect_result'; effectId: string; ok: false; error: { code: string; message: string }; now: string }
  /** A person handed the conversation back: the flow carries on where it was. */
  | { type: 'resume'; now: string };

export type { Reply, ReplyButton as Button } from './reply-content.js';

export type PendingEffect =
  | { id: string; kind: 'integration'; integration: string; operation: string; input: Record<string, unknown>; timeoutMs: number }
  | { id: string; kind: 'generate'; instructions: string; fallback: string; scope: Record<string, unknown>; history?: number }
  /** Find another flow of the tenant; the result is `{flowId, version}`, and `StepOptions.flows` then has it. */
  | { id: string; kind: 'flow'; flow: string; version: number | null }
  /** Answer from the knowledge base; the result is `{text, method, citations}`. */
  | { id: string; kind: 'answer'; question: string; instructions?: string; noAnswer?: string; history: number; limit: number }
  /** One agent turn (a loop of model steps and tool calls); the result is an `AgentValue`. */
  | {
      id: string;
      kind: 'agent';
      state: string;
      goal: string;
      instructions: string;
      tools: AgentTool[];
      slots: string[];
      exits: Record<string, string>;
      filled: Record<string, unknown>;
      message: string;
      history: number;
      maxSteps: number;
      maxCostUsd: number;
    };

export type SideEffect =
  | { kind: 'emit'; name: string; value: number; tags?: Record<string, string> }
  | { kind: 'log'; level: 'info' | 'warn'; message: string }
  /** A follow-up for chat to store with the turn: a message to send, or an event to run as a turn, after `inMs`. */
  | { kind: 'schedule'; key: string | null; inMs: number; message?: string; event?: string }
  | { kind: 'unschedule'; key: string };

export interface StepResult {
  context: FlowContext;
  replies: Reply[];
  trace: TraceEvent[];
  sideEffects: SideEffect[];
  summary: StepSummary;
  effect?: PendingEffect;
  status: 'waiting' | 'ended' | 'handoff' | 'effect';
}

export interface StepOptions {
  /** States entered per turn before the step limit stops a cycle; `settings.max_steps` wins. */
  maxSteps?: number;
  /**
   * What conditions and templates may spend. A turn that resumes after effects passes the same
   * budget to each of its steps; without one, each step gets a turn's worth.
   */
  budget?: EvaluationBudget;
  /** The compiled sub-flows the executor has loaded (for calls in progress and just requested). */
  flows?: (flowId: string, version: number) => CompiledFlow | undefined;
}
