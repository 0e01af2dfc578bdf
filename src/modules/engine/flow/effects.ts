/**
 * Effects pause the run: `step` returns the effect and keeps the rest of the work queue in the
 * context; the `effect_result` event puts the result where the flow said (save_as, on_error,
 * generate fallback) and carries on with the same turn.
 */
import type { Resume } from './context.js';
import { leave, type RunOutcome } from './leave.js';
import { richSpecOf } from './reply-content.js';
import { onFlowFound } from './subflow.js';
import { applyAgentResult, applyAnswerResult } from './knowledge-states.js';
import type { PendingEffect, StepEvent } from './step-types.js';
import type { Turn } from './turn.js';

type EffectResultEvent = Extract<StepEvent, { type: 'effect_result' }>;

export function requestEffect(turn: Turn, effect: PendingEffect, resume: Resume): RunOutcome {
  turn.emit({ type: 'effect_requested', state: turn.ctx.state, effect });
  turn.ctx.internal.pending = { effect, resume, queue: turn.queue };
  turn.ctx.status = 'active';
  turn.queue = [];
  return 'effect';
}

/** Applies an effect's result and queues what follows; returns an outcome if the run must stop. */
export function applyEffectResult(turn: Turn, event: EffectResultEvent): RunOutcome | null {
  const ctx = turn.ctx;
  const pending = ctx.internal.pending;
  if (!pending || pending.effect.id !== event.effectId) {
    turn.error('unexpected_effect_result', `no effect '${event.effectId}' is pending; the result was ignored`);
    return ctx.status === 'ended' || ctx.status === 'handoff' ? ctx.status : pending ? 'effect' : 'waiting';
  }
  ctx.internal.pending = null;
  ctx.status = 'active';
  turn.queue = pending.queue;
  turn.emit(
    event.ok
      ? { type: 'effect_result', state: ctx.state, effectId: event.effectId, ok: true, value: event.value }
      : { type: 'effect_result', state: ctx.state, effectId: event.effectId, ok: false, error: event.error },
  );
  const failure = event.ok ? null : { error: event.error };
  if (failure) ctx.internal.result = failure;
  const resume = pending.resume;
  switch (resume.kind) {
    case 'call':
      if (event.ok) saveResult(turn, resume.saveAs, event.value);
      return null;
    case 'integration': {
      const state = turn.flow.definition.states[resume.state];
      const onError = state?.type === 'integration' ? state.on_error : undefined;
      if (event.ok) saveResult(turn, state?.type === 'integration' ? (state.save_as ?? null) : null, event.value);
      else if (onError) return leave(turn, resume.state, onError, null, 'on_error');
      turn.queue.unshift({ at: 'transitions', state: resume.state });
      return null;
    }
    case 'generate': {
      const state = turn.flow.definition.states[resume.state];
      const fallback = pending.effect.kind === 'generate' ? pending.effect.fallback : '';
      const text = event.ok && typeof event.value === 'string' && event.value.trim() ? event.value : fallback;
      const prompt = state?.type === 'response' ? state : undefined;
      turn.sendText(text, prompt?.buttons, prompt?.quick_replies, prompt ? richSpecOf(prompt) : undefined);
      turn.queue.unshift({ at: 'transitions', state: resume.state });
      return null;
    }
    case 'answer':
      return applyAnswerResult(turn, resume, event);
    case 'agent':
      return applyAgentResult(turn, resume, event);
    case 'flow':
      return onFlowFound(turn, resume.state, event.ok ? { ok: true, value: event.value } : { ok: false, error: event.error });
    default: {
      const unreachable: never = resume;
      throw new Error(`unknown resume ${JSON.stringify(unreachable)}`);
    }
  }
}

function saveResult(turn: Turn, saveAs: string | null, value: unknown): void {
  turn.ctx.internal.result = value ?? null;
  if (saveAs) turn.write(`vars.${saveAs}`, value ?? null);
}
