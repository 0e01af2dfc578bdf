import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelsConfig } from './model-config.js';
import { installationView, type ProviderDirectory, type ResolvedProvider } from './provider-directory.js';
import { ProviderCallError } from './providers/provider-error.js';
import { providerDefinition } from './providers/registry.js';
import { type EffectiveRouting, installationRouting, layerRouting } from './routing.js';
import {
  MODEL_TASKS,
  type ModelRouting,
  type ModelSettingsInput,
  modelSettingsInputSchema,
  type ModelSettingsView,
  type ModelTestInput,
  type ModelTestResult,
  type ProviderView,
} from './settings-contract.js';
import type { SettingsStore, StoredProvider, StoredSettings } from './settings-store.js';
import { settingsIssues } from './settings-issues.js';

/** Per-tenant model settings: the view (never a key), validated updates, provider tests, and routing resolution. */
export function createSettingsService(deps: { store: SettingsStore; directory: ProviderDirectory; config: ModelsConfig; logger: Logger; now: () => number }) {
  const { store, directory } = deps;
  const defaults = installationRouting(deps.config, directory.installed);

  const tenantView = (p: StoredProvider): ProviderView => ({
    kind: p.kind,
    baseUrl: p.baseUrl,
    hasApiKey: p.apiKey !== null,
    apiKeyHint: p.apiKeyHint,
    source: 'tenant',
  });

  function view(settings: StoredSettings): ModelSettingsView {
    const providers: Record<string, ProviderView> = {};
    for (const p of directory.installed) providers[p.name] = installationView(p);
    for (const [name, p] of Object.entries(settings.providers)) providers[name] = tenantView(p);
    return { providers, routing: settings.routing, effectiveRouting: layerRouting(defaults, settings.routing), updatedAt: settings.updatedAt };
  }

  function resolver(tenantId: string, settings: StoredSettings) {
    return (name: string): ResolvedProvider | null => directory.resolve(settings, name, (n) => {
      const stored = settings.providers[n];
      return stored ? store.decryptKey(tenantId, n, stored) : null;
    });
  }

  return {
    async get(tenantId: string): Promise<ModelSettingsView> {
      return view(await store.load(tenantId));
    },

    async update(tenantId: string, raw: ModelSettingsInput): Promise<ModelSettingsView> {
      const parsed = modelSettingsInputSchema.safeParse(raw);
      if (!parsed.success) {
        throw new AppError('bad_request', 'The model settings are not valid.', { details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      }
      const current = await store.load(tenantId);
      const issues = settingsIssues(parsed.data, current, directory.installed.map((p) => p.name));
      if (issues.length > 0) throw new AppError('bad_request', issues[0]?.message ?? 'The model settings are not valid.', { details: issues });
      const providers = store.merge(tenantId, current, parsed.data.providers);
      return view(await store.save(tenantId, { providers, routing: parsed.data.routing }));
    },

    /** The routing of one call: installation defaults, then the tenant's settings, then the call's own. */
    async routingFor(tenantId: string, override: ModelRouting | undefined): Promise<{ routing: EffectiveRouting; resolve: (name: string) => ResolvedProvider | null }> {
      try {
        const settings = await store.load(tenantId);
        return { routing: layerRouting(defaults, settings.routing, override), resolve: resolver(tenantId, settings) };
      } catch (error) {
        // Unreadable settings must not fail the turn: the offline models answer alone.
        deps.logger.error({ err: error, tenantId }, 'model settings unreadable; using offline models only');
        const offline = Object.fromEntries(MODEL_TASKS.map((t) => [t, []]));
        return { routing: layerRouting(defaults, { tasks: offline }), resolve: () => null };
      }
    },

    async test(tenantId: string, input: ModelTestInput): Promise<ModelTestResult> {
      const settings = await store.load(tenantId);
      const provider: Omit<ResolvedProvider, 'name'> | null =
        typeof input.provider === 'string'
          ? resolver(tenantId, settings)(input.provider)
          : { kind: input.provider.kind, baseUrl: input.provider.baseUrl ?? null, apiKey: input.provider.apiKey ?? null, source: 'tenant' };
      if (!provider) throw new AppError('not_found', `No provider named '${String(input.provider)}' is configured.`);
      const started = deps.now();
      const definition = providerDefinition(provider.kind);
      if (definition.requiresApiKey && !provider.apiKey) {
        return { ok: false, latencyMs: 0, error: { code: 'auth', message: 'This provider needs an API key.' } };
      }
      if (!provider.baseUrl && !definition.defaultBaseUrl) {
        return { ok: false, latencyMs: 0, error: { code: 'bad_request', message: 'An OpenAI-compatible provider needs a base URL.' } };
      }
      try {
        const models = await directory.client(provider).listModels({ timeoutMs: deps.config.timeoutMs });
        return { ok: true, latencyMs: deps.now() - started, models: models.slice(0, 50) };
      } catch (error) {
        const failure = error instanceof ProviderCallError ? error : new ProviderCallError('network', String(error));
        return { ok: false, latencyMs: deps.now() - started, error: { code: failure.code, message: failure.message } };
      }
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
