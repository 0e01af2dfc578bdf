import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Secrets } from '../security/contract.js';
import type { Sql } from '../storage/contract.js';
import { createDestinationCheck } from './check-destinations.js';
import { createClientCache } from './client-cache.js';
import type { Adaptors, AdaptorsConfig, IntegrationRequest, IntegrationResult, KindInfo } from './contract.js';
import { createExecutor } from './executor.js';
import { createHttpClient } from './http/http-client.js';
import { createHealthRegistry } from './integration-health.js';
import { createIntegrationStore, RESERVED_NAMES } from './integration-store.js';
import { integrationKinds } from './kinds/registry.js';
import { createTenantLimiter } from './resilience/tenant-limiter.js';
import { allowEntryProblem, createAddressPolicy } from './ssrf/address-policy.js';
import { testIntegration } from './test-integration.js';

export * from './contract.js';
export { integrationSecretHolder } from './reseal-secrets.js';
export { adaptorsMigrations } from './migrations.js';
export { adaptorsTenantData } from './tenant-data.js';

/**
 * The adaptors' SSRF-guarded fetch, for other outbound calls to URLs that tenants choose (their
 * model servers): same address policy and allow-list, same response size limit.
 */
export function createGuardedFetch(config: { ssrfAllow: readonly string[]; maxResponseBytes: number }): { fetch: typeof fetch; close(): Promise<void> } {
  const client = createHttpClient({ policy: createAddressPolicy([...config.ssrfAllow]), maxResponseBytes: config.maxResponseBytes });
  return { fetch: client.fetch as typeof fetch, close: () => client.close() };
}

export interface AdaptorsDeps {
  sql: Sql;
  ids: Ids;
  secrets: Secrets;
  clock: Clock;
  logger: Logger;
  config: AdaptorsConfig;
}

/** Kinds as data for the console: their schemas as JSON Schema, computed once. */
const kindInfos: KindInfo[] = integrationKinds.map((k) => ({
  id: k.id,
  title: k.title,
  description: k.description,
  configSchema: z.toJSONSchema(k.configSchema, { io: 'input', unrepresentable: 'any' }),
  secretsSchema: z.toJSONSchema(k.secretsSchema, { io: 'input', unrepresentable: 'any' }),
  ...(k.operations ? { operations: k.operations } : {}),
}));

/** The built-in `echo` answers every operation with its input, so flows can be tried before any system is connected. */
function echo(request: IntegrationRequest): IntegrationResult {
  return { ok: true, value: { operation: request.operation, ...request.input }, latencyMs: 0, attempts: 1 };
}

export function createAdaptors(deps: AdaptorsDeps): Adaptors & { stop(): Promise<void> } {
  const { config, logger } = deps;
  const badEntries = config.ssrfAllow.map(allowEntryProblem).filter((p): p is string => p !== null);
  if (badEntries.length > 0) throw new Error(`MCP_SSRF_ALLOW: ${badEntries.join('; ')}`);
  const policy = createAddressPolicy(config.ssrfAllow);
  const http = createHttpClient({ policy, maxResponseBytes: config.maxResponseBytes });
  const checkDestinations = createDestinationCheck(policy);
  const store = createIntegrationStore({ sql: deps.sql, ids: deps.ids, secrets: deps.secrets, stdioCommands: config.stdioCommands, checkDestinations });
  const clients = createClientCache({ http, logger, clock: deps.clock, stdioCommands: config.stdioCommands }, logger);
  const health = createHealthRegistry({ failureThreshold: config.breakerFailures, cooldownMs: config.breakerCooldownMs }, deps.clock);
  const executor = createExecutor({ clients, health, limiter: createTenantLimiter(config.concurrencyPerTenant), config, clock: deps.clock, logger });

  async function stored(tenantId: string, integrationId: string) {
    const found = await store.load(tenantId, { id: integrationId });
    if (!found) throw new AppError('not_found', `No integration with id '${integrationId}' in this workspace.`);
    return found;
  }

  return {
    async execute(tenantId, request) {
      if (request.integration === 'echo') return echo(request);
      try {
        const found = await store.load(tenantId, { name: request.integration });
        if (!found) {
          return { ok: false, error: { code: 'integration_not_found', message: `No integration named '${request.integration}' is configured.` }, latencyMs: 0 };
        }
        return await executor.run(tenantId, found, request);
      } catch (error) {
        logger.error({ err: error, integration: request.integration }, 'adaptors: integration call crashed');
        return { ok: false, error: { code: 'integration_failed', message: 'The integration could not be called because of a server error; it was logged.' }, latencyMs: 0 };
      }
    },
    async listIntegrationNames(tenantId) {
      return [...RESERVED_NAMES, ...(await store.names(tenantId))];
    },
    listKinds: () => kindInfos,
    createIntegration: (tenantId, input) => store.create(tenantId, input),
    listIntegrations: (tenantId) => store.list(tenantId),
    getIntegration: (tenantId, id) => store.get(tenantId, id),
    async updateIntegration(tenantId, id, input) {
      const updated = await store.update(tenantId, id, input);
      await clients.drop(tenantId, id);
      // A changed definition deserves a fresh start rather than the old one's open circuit.
      health.forget(tenantId, id);
      return updated;
    },
    async deleteIntegration(tenantId, id) {
      await store.remove(tenantId, id);
      await clients.drop(tenantId, id);
      health.forget(tenantId, id);
    },
    async listOperations(tenantId, id) {
      const found = await stored(tenantId, id);
      return testIntegration.operations({ clients, health, clock: deps.clock }, tenantId, found);
    },
    async testIntegration(tenantId, id, input) {
      const found = await stored(tenantId, id);
      if (input.operation) {
        const result = await executor.run(tenantId, found, { operation: input.operation, input: input.input, timeoutMs: input.timeoutMs });
        return result.ok ? { ok: true, latencyMs: result.latencyMs, value: result.value } : { ok: false, latencyMs: result.latencyMs, error: result.error };
      }
      return testIntegration.connectivity({ clients, health, clock: deps.clock }, tenantId, found, input.timeoutMs);
    },
    async getStatus(tenantId, id) {
      const info = await store.get(tenantId, id);
      return health.get(tenantId, id).snapshot(info);
    },
    async stop() {
      await clients.closeAll();
      await http.close();
    },
  };
}
