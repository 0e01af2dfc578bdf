import type { Clock } from '../../shared/clock.js';
import type { Adaptors, IntegrationRequest, IntegrationResult } from './contract.js';

export * from './contract.js';

/**
 * The built-in `echo` integration answers every operation with its input. It lets a bot builder
 * try `integration` states before any real system is connected (per-tenant HTTP, CRM and MCP
 * integrations arrive with the adaptor service).
 */
const BUILT_IN = ['echo'] as const;

export function createAdaptors(deps: { clock: Clock }): Adaptors {
  const { clock } = deps;
  return {
    async execute(_tenantId: string, request: IntegrationRequest): Promise<IntegrationResult> {
      const started = clock.now();
      if (request.integration === 'echo') {
        return { ok: true, value: { operation: request.operation, ...request.input }, latencyMs: clock.now() - started };
      }
      return {
        ok: false,
        error: { code: 'integration_not_found', message: `No integration named '${request.integration}' is configured.` },
        latencyMs: clock.now() - started,
      };
    },
    async listIntegrationNames() {
      return [...BUILT_IN];
    },
  };
}
