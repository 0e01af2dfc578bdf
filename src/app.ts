import { join } from 'node:path';
import type { Config } from './config.js';
import { seedDemo, type DemoSeed } from './demo/seed-demo.js';
import { adaptorsMigrations, createAdaptors, createGuardedFetch, integrationSecretHolder } from './modules/adaptors/index.js';
import { analyticsMigrations, createAnalytics } from './modules/analytics/index.js';
import { channelSecretHolder, chatMigrations, createChat } from './modules/chat/index.js';
import { createEngine, engineMigrations } from './modules/engine/index.js';
import { createGateway } from './modules/gateway/index.js';
import { createPrivacy, privacyMigrations } from './modules/privacy/index.js';
import { createKnowledge, knowledgeMigrations } from './modules/knowledge/index.js';
import { createModels, modelSecretHolder, modelsMigrations } from './modules/models/index.js';
import { checkMasterKeys, createSecrets, createSecurity, resolveMasterKeys, type SecretHolder, type Secrets, securityMigrations } from './modules/security/index.js';
import { createStorage, type ModuleMigrations, type Sql } from './modules/storage/index.js';
import { type Clock, systemClock } from './shared/clock.js';
import { type Ids, randomIds } from './shared/ids.js';
import { createLogger, type Logger } from './shared/logger.js';
import { createTelemetry, traceLogFields, traceMethods } from './shared/telemetry.js';
import { createPersonData, personDataParts } from './person-data.js';
import { createTenantPurge, tenantDataParts } from './tenant-data.js';

/** Every module's migrations, in dependency order; applied at start and by `mcp-engine migrate`. */
export const allMigrations: readonly ModuleMigrations[] = [securityMigrations, engineMigrations, chatMigrations, modelsMigrations, analyticsMigrations, adaptorsMigrations, privacyMigrations, knowledgeMigrations];

/** Every module that stores sealed credentials: checked at start, re-sealed by `mcp-engine keys rotate`. */
export const secretHolders = (deps: { sql: Sql; secrets: Secrets }): SecretHolder[] =>
  [integrationSecretHolder, channelSecretHolder, modelSecretHolder].map((make) => make(deps));

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
  ids?: Ids;
}

/** The composition root: builds the modules in dependency order and stops them in reverse. */
export async function createApp(config: Config, options: AppOptions = {}) {
  // Off unless an OTLP endpoint is set; off, nothing below is wrapped and no log line gets trace ids.
  const telemetry = config.telemetry ? createTelemetry(config.telemetry) : null;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true, ...(telemetry ? { mixin: traceLogFields } : {}) });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;

  const masterKeys = resolveMasterKeys({ configured: config.security.masterKey, dataDir: config.storage.dataDir, serverMode: Boolean(config.storage.databaseUrl) });
  const secrets = createSecrets(masterKeys);
  const storage = await createStorage(config.storage, { logger: logger.child({ module: 'storage' }) });
  const { sql, kv, locks, counters } = storage;
  try {
    await storage.migrate(allMigrations);
    await checkMasterKeys(secrets, secretHolders({ sql, secrets }), config.security.masterKey ? 'MCP_MASTER_KEY' : join(config.storage.dataDir, 'master.key'));
  } catch (error) {
    await storage.close();
    throw error;
  }

  const security = createSecurity({
    sql,
    kv,
    ids,
    clock,
    logger: logger.child({ module: 'security' }),
    masterKey: masterKeys[0]!.key,
    purgeTenant: createTenantPurge({ sql, parts: tenantDataParts, purgeKeys: storage.purgeTenantKeys, logger: logger.child({ module: 'tenants' }) }),
    config: { accessTokenTtlSeconds: config.security.accessTokenTtlSeconds, platformAdminKey: config.security.platformAdminKey, oidc: config.security.oidc },
  });
  const tenantEgress = createGuardedFetch(config.adaptors);
  const models = traceMethods(telemetry, 'models', createModels({ clock, kv, sql, secrets, logger: logger.child({ module: 'models' }), config: config.models, tenantFetch: tenantEgress.fetch }), ['parse', 'generate', 'converse', 'embed']);
  const knowledge = createKnowledge({ sql, models, ids, clock, logger: logger.child({ module: 'knowledge' }), fetch: tenantEgress.fetch });
  await knowledge.start();
  const adaptors = traceMethods(telemetry, 'adaptors', createAdaptors({ sql, ids, secrets, clock, logger: logger.child({ module: 'adaptors' }), config: config.adaptors }), ['execute']);
  const analytics = createAnalytics({
    sql,
    counters,
    clock,
    ids,
    logger: logger.child({ module: 'analytics' }),
    config: config.analytics,
  });
  await analytics.start();
  // Before engine and chat: they ask it, per workspace, whether to redact what they store.
  const personParts = personDataParts({ sql, kv, locks, lockWaitMs: config.storage.lockWaitMs });
  const privacy = createPrivacy({ sql, clock, logger: logger.child({ module: 'privacy' }), parts: personParts });
  const engine = createEngine({
    sql,
    kv,
    locks,
    models,
    adaptors,
    knowledge,
    clock,
    ids,
    logger: logger.child({ module: 'engine' }),
    config: { maxStepsPerTurn: config.engine.maxStepsPerTurn, lockTtlMs: config.storage.lockTtlMs, lockWaitMs: config.storage.lockWaitMs },
    turnRows: (record) => analytics.turnRows(record),
    observeCommitWait: (seconds) => analytics.observeCommitWait(seconds),
    redactFor: (tenantId) => privacy.redactorFor(tenantId),
  });
  const turns = traceMethods(telemetry, 'engine', engine.turns, ['processMessage']);
  const chat = traceMethods(telemetry, 'chat', createChat({
    sql,
    engine: turns,
    flows: engine.authoring,
    secrets,
    ids,
    clock,
    logger: logger.child({ module: 'chat' }),
    config: config.chat,
    consumeQuota: (tenantId) => security.consumeMessageQuota(tenantId),
    redactFor: (tenantId) => privacy.redactorFor(tenantId),
  }), ['handleMessage', 'webchatTurn', 'receiveWebhook']);

  const demo: DemoSeed | null = config.bootstrap.seedDemo
    ? await seedDemo({ security, flows: engine.authoring, bootstrapApiKey: config.bootstrap.apiKey, ownerPassword: () => ids.token(12) })
    : null;

  const gateway = await createGateway({
    config: { ...config.http, limits: config.limits, corsOrigins: config.corsOrigins },
    logger: logger.child({ module: 'gateway' }),
    security,
    turns,
    authoring: engine.authoring,
    chat,
    models,
    analytics,
    adaptors,
    knowledge,
    personData: createPersonData({ parts: personParts, clock }),
    privacy,
    telemetry,
    metricsToken: config.analytics.metricsToken,
    ready: async () => (await sql.query('SELECT 1 AS ok')).length === 1,
    defaultWidgetKey: () => demo?.tenant.widgetKey ?? null,
  });

  return {
    logger,
    security,
    secrets,
    engine,
    chat,
    analytics,
    adaptors,
    privacy,
    demo,
    async start() {
      chat.start();
      privacy.start();
      return gateway.listen();
    },
    async stop() {
      await gateway.close();
      privacy.stop();
      await chat.stop();
      await adaptors.stop();
      await tenantEgress.close();
      // After the gateway (no new turns), before storage: the last events are flushed, none lost.
      await analytics.stop();
      await storage.close();
      // Last: the spans of everything above are exported before the process ends.
      await telemetry?.shutdown();
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
