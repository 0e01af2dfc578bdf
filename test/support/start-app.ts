import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app.js';
import { deletePrefix } from './redis-keys.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/shared/clock.js';
import { createLogger, type Logger, silentLogger } from '../../src/shared/logger.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueSuffix } from './env.js';

export interface TestApp {
  app: App;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** 'server' (default): PostgreSQL + Redis; 'embedded': PGlite in a temporary directory + memory. */
  mode?: 'server' | 'embedded';
  env?: Record<string, string>;
  /** Reuse an embedded data directory (to test restarts). */
  dataDir?: string;
  /** Time as the app sees it; tests move it to expire tokens and windows without sleeping. */
  clock?: Clock;
  /**
   * A database of its own (server mode), dropped at stop: for tests whose background workers
   * (the outbox) must not meet other test files' instances, which share the default one.
   */
  ownDatabase?: boolean;
  /** The app's logger, for tests that read what it writes (silent otherwise, unless TEST_LOG is set). */
  logger?: Logger;
}

/** Removes every Redis key under the app's prefix (locks, caches, counters), so a run leaves none behind. */
async function forgetKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deletePrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Starts the whole app on port 0, the way `mcp-engine start` does, with its own Redis key prefix. */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const mode = options.mode ?? 'server';
  const databaseUrl = options.ownDatabase ? TEST_DATABASE_URL.replace(/\/[^/]+$/, `/mcp_engine_test_${uniqueSuffix()}`) : TEST_DATABASE_URL;
  if (options.ownDatabase) await recreateDatabase(databaseUrl);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mcp-engine-test-'));
  const loaded = loadConfig({
    PORT: '0',
    MCP_DATA_DIR: dataDir,
    MCP_SEED_DEMO: 'false',
    // A route that answers other than its response schema says fails the test that calls it.
    MCP_STRICT_RESPONSES: 'true',
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: `mcp-test-${uniqueSuffix()}:`,
    // Any test instance may deliver any test's outbox rows, so every one may reach the loopback fakes.
    MCP_CHANNEL_BASE_URL_OVERRIDE: 'true',
    ...(mode === 'server' ? { DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, MCP_MASTER_KEY: TEST_MASTER_KEY } : {}),
    ...options.env,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  // TEST_LOG=info (or warn, debug) shows the apps' logs, tagged by vitest worker, when hunting a failure.
  const logger = options.logger ?? (process.env.TEST_LOG ? createLogger({ level: process.env.TEST_LOG }).child({ worker: process.env.VITEST_WORKER_ID }) : silentLogger());
  const app = await createApp(loaded.config, { logger, ...(options.clock ? { clock: options.clock } : {}) });
  const { url } = await app.start();
  return {
    app,
    url,
    config: loaded.config,
    async stop() {
      await app.stop();
      if (!options.dataDir && mode === 'embedded') rmSync(dataDir, { recursive: true, force: true });
      if (options.ownDatabase) await dropDatabase(databaseUrl);
      const { redisUrl, redisKeyPrefix } = loaded.config.storage;
      if (redisUrl) await forgetKeys(redisUrl, redisKeyPrefix);
    },
  };
}
