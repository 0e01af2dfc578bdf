import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { Models } from '../models/contract.js';
import type { HistoryEntry } from './conversation-history.js';
import { performAgent, performAnswer } from './knowledge-effects.js';
import type { PendingEffect, StepEvent, TraceEvent } from './flow/index.js';
import { usageToTrace } from './usage-trace.js';

export interface EffectOutcome {
  /** The event that resumes the suspended turn. */
  event: StepEvent;
  /** What the calls cost, for the trace: latency, outcome, provider, tokens. */
  calls: TraceEvent[];
}

/**
 * Performs the one effect a suspended turn waits for and turns its outcome into the event that
 * resumes the turn. Failures are outcomes (`ok: false`) that the flow handles, never exceptions.
 */
export async function performEffect(
  deps: { models: Models; adaptors: Adaptors; knowledge?: Knowledge | undefined },
  tenantId: string,
  effect: Exclude<PendingEffect, { kind: 'flow' }>,
  context: { state: string | null; now: () => string; history?: readonly HistoryEntry[] },
): Promise<EffectOutcome> {
  const { state, now } = context;
  switch (effect.kind) {
    case 'integration': {
      const result = await deps.adaptors.execute(tenantId, {
        integration: effect.integration,
        operation: effect.operation,
        input: effect.input,
        timeoutMs: effect.timeoutMs,
      });
      const base = { type: 'integration_call', state, integration: effect.integration, operation: effect.operation, latencyMs: result.latencyMs, at: now() } as const;
      return result.ok
        ? { event: { type: 'effect_result', effectId: effect.id, ok: true, value: result.value, now: now() }, calls: [{ ...base, ok: true }] }
        : { event: { type: 'effect_result', effectId: effect.id, ok: false, error: result.error, now: now() }, calls: [{ ...base, ok: false, error: result.error }] };
    }
    case 'generate': {
      const history = effect.history ? [...(context.history ?? [])].slice(-effect.history) : [];
      const result = await deps.models.generate(tenantId, { instructions: effect.instructions, scope: effect.scope, history });
      const calls = usageToTrace(result.usage, state, now());
      return result.ok
        ? { event: { type: 'effect_result', effectId: effect.id, ok: true, value: result.text, now: now() }, calls }
        : { event: { type: 'effect_result', effectId: effect.id, ok: false, error: result.error, now: now() }, calls };
    }
    case 'answer':
      return performAnswer(deps, { tenantId, state, now, history: context.history ?? [] }, effect);
    case 'agent':
      return performAgent(deps, { tenantId, state, now, history: context.history ?? [] }, effect);
  }
}
