import type { Clock } from '../../shared/clock.js';
import { type Logger, silentLogger } from '../../shared/logger.js';
import type { Secrets } from '../security/contract.js';
import { createMemoryKv } from '../storage/index.js';
import type { Kv, Sql } from '../storage/contract.js';
import type { GenerateResult, Models } from './contract.js';
import { callModels, type CallerDeps } from './model-caller.js';
import { type ModelsConfig, OFFLINE_CONFIG } from './model-config.js';
import { createIntentTrainer } from './nlu/intent-trainer.js';
import { createOfflineNlu } from './offline-nlu.js';
import { OFFLINE_PROVIDER, parseMessage } from './parse-message.js';
import { createProviderDirectory } from './provider-directory.js';
import { providerKindInfos } from './providers/registry.js';
import { createResponseCache } from './response-cache.js';
import { realSleep } from './retry.js';
import { analyseSentiment } from './sentiment/analyse-sentiment.js';
import { createSettingsService } from './settings-service.js';
import { createSettingsStore, noSettingsStore } from './settings-store.js';
import { embedTexts } from './embed-texts.js';
import { agentTask } from './tasks/agent-task.js';
import { generateTask } from './tasks/generate-task.js';
import { createTrainingDataResolver } from './training-data-resolver.js';
import { createTrainingDataService } from './training-data-service.js';
import { createTrainingDataStore } from './training-data-store.js';
import { sentimentTask } from './tasks/sentiment-task.js';

export * from './contract.js';
export { modelSecretHolder } from './reseal-secrets.js';
export { modelsMigrations } from './migrations.js';
export { modelsTenantData } from './tenant-data.js';
export { createModelsPersonData } from './person-data.js';
export type { ModelsConfig } from './model-config.js';
// For the NLU benchmark, which trains the offline classifier on CLINC150 directly.
export { trainIntentClassifier } from './nlu/intent-classifier.js';
// For the training-thread benchmark, which trains the same data inline and in the worker.
export { createIntentTrainer } from './nlu/intent-trainer.js';

/**
 * With `clock` alone (conversation tests from the CLI, benchmarks), the models run offline: no
 * installation providers, no tenant settings. The app passes everything.
 */
export interface ModelsDeps {
  clock: Clock;
  kv?: Kv;
  sql?: Sql;
  secrets?: Secrets;
  logger?: Logger;
  config?: ModelsConfig;
  /** fetch for servers that tenants configure: it refuses internal addresses (the adaptors' SSRF guard). */
  tenantFetch?: typeof fetch;
  /** Waits between retries; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source for backoff. */
  random?: () => number;
  /** How many flow versions keep a trained offline model in memory. */
  cacheSize?: number;
}

/**
 * The model orchestrator. Embedded default: offline models only, no key needed. LLM providers
 * (installation-wide from the environment, or per tenant) join through routing: a cascade for
 * intents, fallback chains per task, retries, circuit breakers, a response cache, usage records.
 */
export function createModels(deps: ModelsDeps): Models {
  const { clock } = deps;
  const config = deps.config ?? OFFLINE_CONFIG;
  const logger = deps.logger ?? silentLogger();
  // One training thread for the process: flow models and held-back evaluations queue for it.
  const trainer = createIntentTrainer();
  const offline = createOfflineNlu(deps.cacheSize ?? 500, trainer);
  const trainingStore = deps.sql ? createTrainingDataStore(deps.sql) : null;
  const trainingData = createTrainingDataResolver(trainingStore, deps.cacheSize ?? 500);
  const directory = createProviderDirectory({ config, clock, ...(deps.tenantFetch ? { tenantFetch: deps.tenantFetch } : {}) });
  const store = deps.sql && deps.secrets ? createSettingsStore({ sql: deps.sql, secrets: deps.secrets, clock }) : noSettingsStore;
  const settings = createSettingsService({ store, directory, config, logger, now: clock.now });
  const caller: CallerDeps = {
    directory,
    cache: createResponseCache({ kv: deps.kv ?? createMemoryKv(), ttlMs: config.cacheTtlMs }),
    clock,
    sleep: deps.sleep ?? realSleep,
    random: deps.random ?? Math.random,
    logger,
    policy: { maxRetries: config.maxRetries, baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
    timeoutMs: config.timeoutMs,
  };

  return {
    async parse(tenantId, input) {
      const { routing, resolve } = await settings.routingFor(tenantId, input.routing);
      return parseMessage({ offline, caller, routing, resolve }, tenantId, await trainingData.resolve(tenantId, input));
    },

    async intentNames(tenantId, input) {
      return Object.keys((await trainingData.resolve(tenantId, { ...input, text: '' })).nlu.intents ?? {});
    },

    async prepare(tenantId, input) {
      // An empty text trains the model (or finds it cached) and classifies nothing.
      await offline.parse(tenantId, { ...(await trainingData.resolve(tenantId, { ...input, text: '' })), text: '' });
    },

    async generate(tenantId, input): Promise<GenerateResult> {
      const started = clock.now();
      const { routing, resolve } = await settings.routingFor(tenantId, input.routing);
      if (routing.tasks.generate.length === 0) {
        const error = { code: 'no_model', message: 'No language model is configured; the template fallback is used.' };
        return { ok: false, error, latencyMs: 0, usage: [] };
      }
      const outcome = await callModels(caller, { tenantId, task: 'generate', targets: routing.tasks.generate, resolve, ...generateTask(input) });
      const latencyMs = clock.now() - started;
      if (!outcome.answer) {
        const error = { code: 'model_failed', message: 'No language model gave a usable reply; the template fallback is used.' };
        return { ok: false, error, latencyMs, usage: outcome.usage };
      }
      const { value, provider, model } = outcome.answer;
      return { ok: true, text: value, provider, model, latencyMs, usage: outcome.usage };
    },

    async converse(tenantId, input) {
      const { routing, resolve } = await settings.routingFor(tenantId, input.routing);
      if (routing.tasks.generate.length === 0) return { ok: false, error: { code: 'no_model', message: 'No language model is configured.' }, usage: [] };
      const outcome = await callModels(caller, { tenantId, task: 'generate', targets: routing.tasks.generate, resolve, ...agentTask(input) });
      if (!outcome.answer) return { ok: false, error: { code: 'model_failed', message: 'No language model gave a usable answer.' }, usage: outcome.usage };
      const { value, provider, model } = outcome.answer;
      return { ok: true, ...value, provider, model, usage: outcome.usage };
    },

    async embed(tenantId, texts) {
      return embedTexts({ directory, timeoutMs: config.timeoutMs }, await settings.routingFor(tenantId, undefined), texts);
    },

    async analyseSentiment(tenantId, text, options = {}) {
      const { routing, resolve } = await settings.routingFor(tenantId, options.routing);
      const targets = routing.tasks.sentiment;
      const outcome = targets.length > 0 && text.trim()
        ? await callModels(caller, { tenantId, task: 'sentiment', targets, resolve, ...sentimentTask(text) })
        : { answer: null, usage: [] };
      if (outcome.answer) return { ...outcome.answer.value, provider: outcome.answer.provider, usage: outcome.usage };
      return { ...analyseSentiment(text), provider: OFFLINE_PROVIDER, usage: outcome.usage };
    },

    getSettings: (tenantId) => settings.get(tenantId),
    updateSettings: (tenantId, input) => settings.update(tenantId, input),
    listProviderKinds: () => providerKindInfos(),
    testProvider: (tenantId, input) => settings.test(tenantId, input),
    trainingData: createTrainingDataService(trainingStore, trainer),
  };
}
