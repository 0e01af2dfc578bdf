/**
 * What `mcp-engine test` runs turns with: the real models and adaptors modules, offline. Their
 * settings stores live in a throwaway embedded database (PGlite in a temporary directory), so no
 * server is needed, and LLM keys are left out so that every run gives the same replies (a
 * `generate` says its template fallback, as it does in any workspace without a model). The only
 * integration is the built-in `echo`; a flow's other integrations fail, so their `on_error` path runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allMigrations } from '../app.js';
import type { Config } from '../config.js';
import { createAdaptors } from '../modules/adaptors/index.js';
import { createModels } from '../modules/models/index.js';
import { createSecrets, resolveMasterKeys } from '../modules/security/index.js';
import { createStorage } from '../modules/storage/index.js';
import { systemClock } from '../shared/clock.js';
import { randomIds } from '../shared/ids.js';
import { silentLogger } from '../shared/logger.js';

export type OfflineTurnDeps = Awaited<ReturnType<typeof createOfflineTurnDeps>>;

export async function createOfflineTurnDeps(config: Config) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-engine-tests-'));
  const logger = silentLogger();
  const clock = systemClock;
  const storage = await createStorage({ dataDir, redisKeyPrefix: 'mcp-tests:', lockTtlMs: 10_000, lockWaitMs: 10_000 }, { logger });
  try {
    await storage.migrate(allMigrations);
  } catch (error) {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const secrets = createSecrets(resolveMasterKeys({ configured: undefined, dataDir, serverMode: false }));
  const offline = {
    ...config.models,
    openai: { ...config.models.openai, apiKey: undefined },
    anthropic: { ...config.models.anthropic, apiKey: undefined },
  };
  const models = createModels({ clock, kv: storage.kv, sql: storage.sql, secrets, logger, config: offline });
  const adaptors = createAdaptors({ sql: storage.sql, ids: randomIds, secrets, clock, logger, config: config.adaptors });
  return {
    turn: { models, adaptors, clock, maxSteps: config.engine.maxStepsPerTurn },
    async close() {
      await adaptors.stop();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
