import type { Clock } from '../../shared/clock.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Models, NluResult } from '../models/contract.js';
import type { InboundTurn, Reply } from './contract.js';
import { performEffect } from './effects.js';
import { usageToTrace } from './usage-trace.js';
import { type CompiledFlow, EvaluationBudget, type FlowContext, type SideEffect, type StepResult, type TraceEvent, step } from './flow/index.js';

export interface TurnCoreDeps {
  models: Models;
  adaptors: Adaptors;
  clock: Clock;
  maxSteps: number;
}

export interface TurnOutcome {
  /** The final step: its context is what gets saved; `status` is never 'effect'. */
  result: StepResult;
  replies: Reply[];
  trace: TraceEvent[];
  sideEffects: SideEffect[];
  nlu: NluResult | null;
}

/**
 * One turn without persistence: understand the message, step the flow, perform every effect it
 * suspends on, until it waits for the user or ends. The execution service wraps this in a lock and
 * a save; conversation tests run it as it is, so tests exercise exactly what production runs.
 */
export async function runTurnCore(
  deps: TurnCoreDeps,
  input: { tenantId: string; flow: CompiledFlow; modelKey: string; context: FlowContext | null; message: InboundTurn },
): Promise<TurnOutcome> {
  const { clock } = deps;
  const { tenantId, flow, message } = input;
  const trace: TraceEvent[] = [];
  const text = message.text?.trim() ?? '';
  let nlu: NluResult | null = null;
  if (text) {
    nlu = await deps.models.parse(tenantId, { modelKey: input.modelKey, nlu: flow.nlu, text, now: clock.isoNow() });
    trace.push(...usageToTrace(nlu.usage, input.context?.state ?? null, clock.isoNow()));
  }

  // One budget for the whole turn: resuming after an effect does not earn conditions more time.
  const options = { maxSteps: deps.maxSteps, budget: new EvaluationBudget() };
  let result = step(
    flow,
    input.context,
    { type: 'message', text: message.text, payload: message.payload, nlu, channel: message.channel, user: message.user, now: clock.isoNow() },
    options,
  );
  const replies = [...result.replies];
  const sideEffects = [...result.sideEffects];
  trace.push(...result.trace);
  while (result.effect) {
    const outcome = await performEffect(deps, tenantId, result.effect, { state: result.context.state, now: () => clock.isoNow() });
    trace.push(...outcome.calls);
    result = step(flow, result.context, outcome.event, options);
    replies.push(...result.replies);
    sideEffects.push(...result.sideEffects);
    trace.push(...result.trace);
  }
  return { result, replies, trace, sideEffects, nlu };
}
