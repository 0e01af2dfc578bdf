import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { CallError, toCallError } from './call-error.js';
import type { AdaptorsConfig, IntegrationResult } from './contract.js';
import type { ClientCache } from './client-cache.js';
import type { HealthRegistry } from './integration-health.js';
import type { StoredIntegration } from './integration-store.js';
import type { IntegrationClient } from './kinds/define-kind.js';
import { createRedactor } from './redact.js';
import { sleep } from './resilience/abort.js';
import { backoffMs } from './resilience/backoff.js';
import type { createTenantLimiter } from './resilience/tenant-limiter.js';

const RETRY_CAP_MS = 5_000;
/** Codes after which we know the remote system answered (so it is reachable, if unhappy). */
const ANSWERED = new Set(['http_error', 'rate_limited', 'auth_failed', 'remote_error', 'tool_error', 'response_too_large', 'unsupported_response']);

export interface ExecutorDeps {
  clients: ClientCache;
  health: HealthRegistry;
  limiter: ReturnType<typeof createTenantLimiter>;
  config: Pick<AdaptorsConfig, 'maxRetries' | 'retryBaseMs'>;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

export interface CallSpec {
  operation: string;
  input: Record<string, unknown>;
  timeoutMs: number;
}

/**
 * One integration call with every guard: circuit breaker, per-tenant concurrency, a deadline
 * covering waits, attempts and backoff alike, retries with jittered backoff for idempotent
 * operations only, and secrets redacted from whatever comes back.
 */
export function createExecutor(deps: ExecutorDeps) {
  const { clock, logger } = deps;
  const random = deps.random ?? Math.random;

  async function idempotent(client: IntegrationClient, operation: string, signal: AbortSignal): Promise<boolean> {
    const info = (await client.listOperations({ signal })).find((o) => o.name === operation);
    if (!info) throw new CallError('operation_not_found', `This integration has no operation '${operation}'.`);
    return info.idempotent;
  }

  async function attempt(client: IntegrationClient, spec: CallSpec, signal: AbortSignal, deadline: number, onAttempt: () => void): Promise<unknown> {
    const retryable = await idempotent(client, spec.operation, signal);
    for (let n = 0; ; n++) {
      onAttempt();
      try {
        return await client.call(spec.operation, spec.input, { signal });
      } catch (raw) {
        const error = toCallError(raw, signal);
        if (!retryable || !error.retryable || n >= deps.config.maxRetries) throw error;
        const wait = backoffMs(n, { baseMs: deps.config.retryBaseMs, capMs: RETRY_CAP_MS, random, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) });
        if (clock.now() + wait >= deadline) throw error;
        logger.warn({ code: error.code, attempt: n + 1, waitMs: wait }, 'adaptors: retrying an idempotent integration call');
        await sleep(wait, signal);
      }
    }
  }

  return {
    async run(tenantId: string, stored: StoredIntegration, spec: CallSpec): Promise<IntegrationResult> {
      const started = clock.now();
      const signal = AbortSignal.timeout(spec.timeoutMs);
      const health = deps.health.get(tenantId, stored.id);
      let attempts = 0;
      let client: IntegrationClient | null = null;
      const redact = () => createRedactor([...Object.values(stored.secrets), ...(client?.sensitiveValues?.() ?? [])]);

      if (!health.breaker.tryAcquire()) {
        const seconds = Math.ceil(health.breaker.retryInMs() / 1000);
        return {
          ok: false,
          error: { code: 'circuit_open', message: `'${stored.name}' failed repeatedly, so calls are paused; the next try is allowed in ${seconds}s.` },
          latencyMs: clock.now() - started,
          attempts: 0,
        };
      }
      try {
        const release = await deps.limiter.acquire(tenantId, signal);
        try {
          client = deps.clients.get(tenantId, stored);
          const value = await attempt(client, spec, signal, started + spec.timeoutMs, () => (attempts += 1));
          const latencyMs = clock.now() - started;
          health.breaker.onSuccess();
          health.succeeded(latencyMs);
          return { ok: true, value: redact()(value), latencyMs, attempts };
        } finally {
          release();
        }
      } catch (raw) {
        const error = toCallError(raw, signal);
        const latencyMs = clock.now() - started;
        if (error.tripsBreaker) health.breaker.onFailure();
        else health.breaker.onNeutral();
        const failure = redact()({ code: error.code, message: error.message, ...(error.status === undefined ? {} : { status: error.status }) });
        health.failed(failure, ANSWERED.has(error.code), attempts > 0 ? latencyMs : null);
        logger.info({ integration: stored.name, operation: spec.operation, code: error.code, attempts }, 'adaptors: integration call failed');
        return { ok: false, error: failure, latencyMs, attempts };
      }
    },
  };
}
export type Executor = ReturnType<typeof createExecutor>;
