import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { CircuitBreaker } from '../../shared/circuit-breaker.js';
import { LruCache } from './model-cache.js';
import type { ModelsConfig } from './model-config.js';
import type { ProviderClient } from './providers/provider.js';
import { providerDefinition } from './providers/registry.js';
import type { ProviderKind, ProviderView } from './settings-contract.js';
import type { StoredSettings } from './settings-store.js';

/** A provider ready to call: the tenant's own, or the installation's from the environment. */
export interface ResolvedProvider {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  source: 'tenant' | 'installation';
  defaultModel?: string;
}

/** The providers OPENAI_* and ANTHROPIC_* configure, shared by every tenant that does not shadow their names. */
export function installationProviders(config: ModelsConfig): ResolvedProvider[] {
  const providers: ResolvedProvider[] = [];
  const { openai, anthropic } = config;
  if (openai.apiKey || openai.baseUrl) {
    providers.push({ name: 'openai', kind: 'openai', baseUrl: openai.baseUrl ?? null, apiKey: openai.apiKey ?? null, source: 'installation', defaultModel: openai.model });
  }
  if (anthropic.apiKey) {
    providers.push({ name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.baseUrl ?? null, apiKey: anthropic.apiKey, source: 'installation', defaultModel: anthropic.model });
  }
  return providers;
}

/** Installation keys are the operator's: tenants see whether one is set, not any part of it. */
export const installationView = (provider: ResolvedProvider): ProviderView => ({
  kind: provider.kind,
  baseUrl: provider.baseUrl,
  hasApiKey: provider.apiKey !== null,
  apiKeyHint: null,
  source: 'installation',
  ...(provider.defaultModel ? { defaultModel: provider.defaultModel } : {}),
});

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * SDK clients and circuit breakers, kept across calls. Clients are per connection (kind, URL,
 * key); breakers are per endpoint (kind and URL), since an outage hits every key alike.
 */
export function createProviderDirectory(deps: { config: ModelsConfig; clock: Clock; tenantFetch?: typeof fetch }) {
  const clients = new LruCache<ProviderClient>(500);
  const breakers = new LruCache<CircuitBreaker>(1000);
  const installed = installationProviders(deps.config);

  const endpointOf = (p: Pick<ResolvedProvider, 'kind' | 'baseUrl'>): string =>
    `${p.kind}|${p.baseUrl ?? providerDefinition(p.kind).defaultBaseUrl ?? ''}`;

  return {
    installed,
    endpointOf,
    /** The tenant's provider of that name, else the installation's; null when neither exists. */
    resolve(settings: StoredSettings, name: string, decrypt: (name: string) => string | null): ResolvedProvider | null {
      const own = settings.providers[name];
      if (own) return { name, kind: own.kind, baseUrl: own.baseUrl, apiKey: decrypt(name), source: 'tenant' };
      return installed.find((p) => p.name === name) ?? null;
    },
    client(provider: Pick<ResolvedProvider, 'kind' | 'baseUrl' | 'apiKey' | 'source'>): ProviderClient {
      const key = `${provider.source}|${endpointOf(provider)}|${digest(provider.apiKey ?? '')}`;
      let client = clients.get(key);
      if (!client) {
        // A tenant may point at any URL, so its calls go through the SSRF-guarded fetch; the operator's do not.
        const guarded = provider.source === 'tenant' && deps.tenantFetch ? { fetch: deps.tenantFetch } : {};
        client = providerDefinition(provider.kind).create({ baseUrl: provider.baseUrl, apiKey: provider.apiKey, ...guarded }, { now: deps.clock.now });
        clients.set(key, client);
      }
      return client;
    },
    breaker(provider: Pick<ResolvedProvider, 'kind' | 'baseUrl'>): CircuitBreaker {
      const key = endpointOf(provider);
      let breaker = breakers.get(key);
      if (!breaker) {
        breaker = new CircuitBreaker({ failureThreshold: deps.config.breakerFailures, cooldownMs: deps.config.breakerCooldownMs }, deps.clock);
        breakers.set(key, breaker);
      }
      return breaker;
    },
  };
}

export type ProviderDirectory = ReturnType<typeof createProviderDirectory>;
