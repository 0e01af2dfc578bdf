import type { TurnSummary } from './contract.js';
import { newStepSummary, type TraceEvent } from './flow/index.js';

export function newTurnSummary(): TurnSummary {
  return { ...newStepSummary(), modelCalls: [], integrationCalls: [] };
}

/** Notes the calls the executor just made (and traces): model calls and integration calls. */
export function addCalls(summary: TurnSummary, calls: readonly TraceEvent[]): void {
  for (const call of calls) {
    if (call.type === 'model_call') summary.modelCalls.push(call);
    else if (call.type === 'integration_call') summary.integrationCalls.push(call);
  }
}
