import type { ModelUsage } from '../models/contract.js';
import type { TraceEvent } from './flow/index.js';

/** Every model call the orchestrator made (retries, fallbacks, cache hits) as `model_call` trace events. */
export function usageToTrace(usage: readonly ModelUsage[], state: string | null, at: string): TraceEvent[] {
  return usage.map((u) => ({
    type: 'model_call',
    state,
    task: u.task,
    provider: u.provider,
    model: u.model,
    ok: u.ok,
    latencyMs: u.latencyMs,
    tokensIn: u.tokensIn,
    tokensOut: u.tokensOut,
    costUsd: u.costUsd,
    cached: u.cached,
    priced: u.priced,
    ...(u.error ? { error: u.error } : {}),
    at,
  }));
}
