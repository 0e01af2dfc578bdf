import { randomUUID } from 'node:crypto';
import { createModels, type FlowNlu, type Models, type ModelsConfig } from '../../src/modules/models/index.js';
import { createSecrets, resolveMasterKeys } from '../../src/modules/security/index.js';
import { createStorage, type Storage } from '../../src/modules/storage/index.js';
import { silentLogger } from '../../src/shared/logger.js';
import { manualClock } from './clock.js';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueSuffix } from './env.js';

/** The models module over the real PostgreSQL and Redis (the database is migrated by global setup). */
export async function startModelsStorage(): Promise<Storage> {
  return createStorage(
    { databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, dataDir: 'data-test', redisKeyPrefix: `mcp-test-${uniqueSuffix()}:`, lockTtlMs: 1000, lockWaitMs: 1000 },
    { logger: silentLogger() },
  );
}

export const testSecrets = () => createSecrets(resolveMasterKeys({ configured: TEST_MASTER_KEY, dataDir: 'data-test', serverMode: true }));


export interface ModelsHarness {
  models: Models;
  clock: ReturnType<typeof manualClock>;
  /** Every wait the retry policy asked for, in ms (the harness does not really wait). */
  sleeps: number[];
  /** A fresh tenant id: model settings and caches are per tenant. */
  tenant: string;
}

export interface HarnessOptions {
  storage: Storage;
  openaiUrl?: string;
  anthropicUrl?: string;
  config?: Partial<Omit<ModelsConfig, 'openai' | 'anthropic'>>;
}

export const OPENAI_KEY = 'sk-test-openai-0123456789';
export const ANTHROPIC_KEY = 'sk-ant-test-0123456789';

/** A models instance whose installation providers are the given fakes; no cache, tiny waits, a manual clock. */
export function modelsHarness(options: HarnessOptions): ModelsHarness {
  const clock = manualClock(Date.parse('2025-06-01T10:00:00Z'));
  const sleeps: number[] = [];
  const config: ModelsConfig = {
    openai: { apiKey: options.openaiUrl ? OPENAI_KEY : undefined, baseUrl: options.openaiUrl, model: 'gpt-4o-mini' },
    anthropic: { apiKey: options.anthropicUrl ? ANTHROPIC_KEY : undefined, baseUrl: options.anthropicUrl, model: 'claude-3-5-haiku-latest' },
    cascadeThreshold: 0.8,
    timeoutMs: 2_000,
    maxRetries: 2,
    retryBaseMs: 1,
    retryMaxMs: 50,
    breakerFailures: 5,
    breakerCooldownMs: 1_000,
    cacheTtlMs: 0,
    ...options.config,
  };
  const models = createModels({
    clock,
    kv: options.storage.kv,
    sql: options.storage.sql,
    secrets: testSecrets(),
    logger: silentLogger(),
    config,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
  return { models, clock, sleeps, tenant: randomUUID() };
}

export const ORDER_NLU: FlowNlu = {
  threshold: 0.3,
  intents: {
    track_order: ['where is my order', 'track my package', 'order status please', 'has my parcel shipped'],
    cancel_order: ['cancel my order', 'I want to cancel', 'please cancel it', 'stop my order'],
  },
  entities: {
    order_id: { type: 'regex', pattern: '\\b[0-9]{5,8}\\b' },
    city: { type: 'list', values: { paris: ['paris'], london: ['london', 'londres'] } },
  },
};

export const parseInput = (text: string, extra: Partial<{ routing: NonNullable<Parameters<Models['parse']>[1]['routing']> }> = {}) => ({
  modelKey: 'flow_test@1',
  nlu: ORDER_NLU,
  text,
  now: '2025-06-01T10:00:00Z',
  ...extra,
});
