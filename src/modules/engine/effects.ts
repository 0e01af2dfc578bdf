import type { Adaptors } from '../adaptors/contract.js';
import type { Models } from '../models/contract.js';
import type { PendingEffect, StepEvent } from './flow/index.js';

/**
 * Performs the one effect a suspended turn waits for and turns its outcome into the event that
 * resumes the turn. Failures are outcomes (`ok: false`) that the flow handles, never exceptions.
 */
export async function performEffect(
  deps: { models: Models; adaptors: Adaptors },
  tenantId: string,
  effect: PendingEffect,
  now: () => string,
): Promise<StepEvent> {
  switch (effect.kind) {
    case 'integration': {
      const result = await deps.adaptors.execute(tenantId, {
        integration: effect.integration,
        operation: effect.operation,
        input: effect.input,
        timeoutMs: effect.timeoutMs,
      });
      return result.ok
        ? { type: 'effect_result', effectId: effect.id, ok: true, value: result.value, now: now() }
        : { type: 'effect_result', effectId: effect.id, ok: false, error: result.error, now: now() };
    }
    case 'generate': {
      const result = await deps.models.generate(tenantId, { instructions: effect.instructions, scope: effect.scope });
      return result.ok
        ? { type: 'effect_result', effectId: effect.id, ok: true, value: result.text, now: now() }
        : { type: 'effect_result', effectId: effect.id, ok: false, error: result.error, now: now() };
    }
  }
}
