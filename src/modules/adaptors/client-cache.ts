import type { Logger } from '../../shared/logger.js';
import { CallError } from './call-error.js';
import type { IntegrationClient, KindCaps } from './kinds/define-kind.js';
import { findKind } from './kinds/registry.js';
import type { StoredIntegration } from './integration-store.js';

/**
 * Live clients, one per integration, reused across calls so OAuth tokens and MCP sessions survive
 * between turns; rebuilt when the stored definition changes (its `version`).
 */
export function createClientCache(caps: KindCaps, logger: Logger) {
  const clients = new Map<string, { version: string; client: IntegrationClient }>();
  const key = (tenantId: string, id: string) => `${tenantId}:${id}`;
  const close = (client: IntegrationClient) => client.close().catch((error: unknown) => logger.warn({ err: error }, 'adaptors: closing an integration client failed'));

  function build(stored: StoredIntegration): IntegrationClient {
    const kind = findKind(stored.kind);
    if (!kind) throw new CallError('misconfigured', `Integration kind '${stored.kind}' is not available on this server.`);
    const config = kind.configSchema.safeParse(stored.config);
    const secrets = kind.secretsSchema.safeParse(stored.secrets);
    if (!config.success || !secrets.success) throw new CallError('misconfigured', `The stored definition of '${stored.name}' is no longer valid; edit and save it again.`);
    return kind.create(caps, config.data, secrets.data);
  }

  return {
    get(tenantId: string, stored: StoredIntegration): IntegrationClient {
      const entry = clients.get(key(tenantId, stored.id));
      if (entry?.version === stored.version) return entry.client;
      if (entry) void close(entry.client);
      const client = build(stored);
      clients.set(key(tenantId, stored.id), { version: stored.version, client });
      return client;
    },
    async drop(tenantId: string, id: string): Promise<void> {
      const entry = clients.get(key(tenantId, id));
      clients.delete(key(tenantId, id));
      if (entry) await close(entry.client);
    },
    async closeAll(): Promise<void> {
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((e) => close(e.client)));
    },
  };
}
export type ClientCache = ReturnType<typeof createClientCache>;
