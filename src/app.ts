import type { Config } from './config.js';
import { seedDemo, type DemoSeed } from './demo/seed-demo.js';
import { createAdaptors } from './modules/adaptors/index.js';
import { chatMigrations, createChat } from './modules/chat/index.js';
import { createEngine, engineMigrations } from './modules/engine/index.js';
import { createGateway } from './modules/gateway/index.js';
import { createModels } from './modules/models/index.js';
import { createSecrets, createSecurity, resolveMasterKeys, securityMigrations } from './modules/security/index.js';
import { createStorage, type ModuleMigrations } from './modules/storage/index.js';
import { type Clock, systemClock } from './shared/clock.js';
import { type Ids, randomIds } from './shared/ids.js';
import { createLogger, type Logger } from './shared/logger.js';

/** Every module's migrations, in dependency order; applied at start and by `mcp-engine migrate`. */
export const allMigrations: readonly ModuleMigrations[] = [securityMigrations, engineMigrations, chatMigrations];

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
  ids?: Ids;
}

/** The composition root: builds the modules in dependency order and stops them in reverse. */
export async function createApp(config: Config, options: AppOptions = {}) {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;

  const secrets = createSecrets(
    resolveMasterKeys({ configured: config.security.masterKey, dataDir: config.storage.dataDir, serverMode: Boolean(config.storage.databaseUrl) }),
  );
  const storage = await createStorage(config.storage, { logger: logger.child({ module: 'storage' }) });
  await storage.migrate(allMigrations);
  const { sql, kv, locks } = storage;

  const security = createSecurity({ sql, ids, clock });
  const models = createModels({ clock });
  const adaptors = createAdaptors({ clock });
  const engine = createEngine({
    sql,
    kv,
    locks,
    models,
    adaptors,
    clock,
    ids,
    logger: logger.child({ module: 'engine' }),
    config: { maxStepsPerTurn: config.engine.maxStepsPerTurn, lockTtlMs: config.storage.lockTtlMs, lockWaitMs: config.storage.lockWaitMs },
  });
  const chat = createChat({ sql, engine, ids, clock });

  const demo: DemoSeed | null = config.bootstrap.seedDemo
    ? await seedDemo({ security, engine, bootstrapApiKey: config.bootstrap.apiKey })
    : null;

  const gateway = await createGateway({
    config: config.http,
    logger: logger.child({ module: 'gateway' }),
    security,
    engine,
    chat,
    ready: async () => (await sql.query('SELECT 1 AS ok')).length === 1,
    defaultWidgetKey: () => demo?.tenant.widgetKey ?? null,
  });

  return {
    logger,
    security,
    secrets,
    engine,
    chat,
    demo,
    async start() {
      return gateway.listen();
    },
    async stop() {
      await gateway.close();
      await storage.close();
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
