import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import { type CallError, toCallError } from './call-error.js';
import type { OperationInfo, TestIntegrationResult } from './contract.js';
import type { ClientCache } from './client-cache.js';
import type { HealthRegistry } from './integration-health.js';
import type { StoredIntegration } from './integration-store.js';
import { createRedactor } from './redact.js';

interface Deps {
  clients: ClientCache;
  health: HealthRegistry;
  clock: Clock;
}

const LIST_TIMEOUT_MS = 15_000;

function failure(error: CallError, stored: StoredIntegration) {
  return createRedactor(Object.values(stored.secrets))({ code: error.code, message: error.message, ...(error.status === undefined ? {} : { status: error.status }) });
}

/**
 * `POST /v1/integrations/{id}/test` without an operation, and the operations list. They bypass the
 * circuit breaker on purpose: a builder diagnosing an open circuit must still be able to probe.
 */
export const testIntegration = {
  async connectivity(deps: Deps, tenantId: string, stored: StoredIntegration, timeoutMs: number): Promise<TestIntegrationResult> {
    const started = deps.clock.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const health = deps.health.get(tenantId, stored.id);
    try {
      const client = deps.clients.get(tenantId, stored);
      const value = await client.test({ signal });
      const operations = await client.listOperations({ signal });
      const latencyMs = deps.clock.now() - started;
      health.succeeded(latencyMs);
      return { ok: true, latencyMs, value: createRedactor(Object.values(stored.secrets))(value), operations };
    } catch (raw) {
      const latencyMs = deps.clock.now() - started;
      const error = failure(toCallError(raw, signal), stored);
      health.failed(error, error.status !== undefined, latencyMs);
      return { ok: false, latencyMs, error };
    }
  },

  async operations(deps: Deps, tenantId: string, stored: StoredIntegration): Promise<OperationInfo[]> {
    const signal = AbortSignal.timeout(LIST_TIMEOUT_MS);
    try {
      return await deps.clients.get(tenantId, stored).listOperations({ signal });
    } catch (raw) {
      const error = failure(toCallError(raw, signal), stored);
      throw new AppError('integration_failed', `Could not list the operations of '${stored.name}': ${error.message}`, { details: { code: error.code } });
    }
  },
};
