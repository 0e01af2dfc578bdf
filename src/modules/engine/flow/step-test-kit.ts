/** Helpers for the flow engine's unit tests: NLU results, message events and a tiny executor. */
import type { ExtractedEntity, NluResult } from '../../models/contract.js';
import { compileFlow, type CompiledFlow } from './compile-flow.js';
import type { FlowContext } from './context.js';
import { validateFlow } from './flow-validator.js';
import { parseFlowSource } from './parse-flow-source.js';
import { fromSnapshot, toSnapshot } from './snapshot.js';
import { step } from './step.js';
import { addStep, newStepSummary, type StepSummary } from './step-summary.js';
import type { PendingEffect, Reply, StepEvent, StepResult } from './step-types.js';
import type { TraceEvent } from './trace.js';

export const NOW = '2025-01-01T12:00:00.000Z';

export function nlu(intent: string, confidence = 0.9, entities: Partial<ExtractedEntity>[] = []): NluResult {
  return {
    intent: { name: intent, confidence },
    alternatives: [],
    entities: entities.map((e) => ({ entity: e.entity ?? 'x', value: e.value ?? null, text: e.text ?? String(e.value), start: 0, end: 0 })),
    provider: 'test',
    usage: [],
  };
}

export const entity = (name: string, value: unknown): Partial<ExtractedEntity> => ({ entity: name, value });

export function message(text: string, result: NluResult | null = null, extra: Partial<Extract<StepEvent, { type: 'message' }>> = {}): StepEvent {
  return { type: 'message', text, nlu: result, channel: 'web', now: NOW, ...extra };
}

export function loadFlow(source: string | object, integrations?: readonly string[]): CompiledFlow {
  const parsed = parseFlowSource(source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const validated = validateFlow(parsed.value, integrations ? { integrations } : {});
  if (!validated.ok) throw new Error(JSON.stringify(validated.issues, null, 2));
  return compileFlow(validated.flow);
}

export type EffectHandler = (effect: PendingEffect) => { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export interface TurnOutcome {
  result: StepResult;
  /** What the turn's steps decided, merged as the executor merges them. */
  summary: StepSummary;
  replies: Reply[];
  texts: string[];
  trace: TraceEvent[];
  effects: PendingEffect[];
}

/**
 * What the executor does: step, then perform effects until the turn settles. The turn starts from
 * what the conversation stored (its snapshot), as it does in production, so nothing a turn keeps
 * only for itself can leak into the next one.
 */
export function runTurn(flow: CompiledFlow, context: FlowContext | null, event: StepEvent, effects: EffectHandler = () => ({ ok: false, error: { code: 'none', message: 'no handler' } }), maxSteps?: number): TurnOutcome {
  const options = maxSteps === undefined ? {} : { maxSteps };
  let result = step(flow, context && fromSnapshot(toSnapshot(context, [])), event, options);
  const replies = [...result.replies];
  const trace = [...result.trace];
  const summary = newStepSummary();
  addStep(summary, result.summary);
  const performed: PendingEffect[] = [];
  for (let guard = 0; result.effect && guard < 20; guard += 1) {
    const effect = result.effect;
    performed.push(effect);
    const outcome = effects(effect);
    result = step(flow, result.context, { type: 'effect_result', effectId: effect.id, now: NOW, ...outcome }, options);
    replies.push(...result.replies);
    trace.push(...result.trace);
    addStep(summary, result.summary);
  }
  return { result, summary, replies, texts: replies.map((r) => r.text), trace, effects: performed };
}

export const traceTypes = (trace: readonly TraceEvent[]): string[] => trace.map((t) => t.type);
