import { DEMO_OWNER_EMAIL } from './demo/seed-demo.js';
import { type Config, loadConfig } from './config.js';
import { createLogger } from './shared/logger.js';

// Each command imports what it needs when it runs: loading the whole engine costs seconds of CPU
// that `test`, `keys` or `--help` do not need.

const USAGE = `Usage: mcp-engine <command>

Commands:
  start     run the engine (embedded defaults, or DATABASE_URL / REDIS_URL for server mode)
  migrate   apply pending database migrations and exit
  test      run conversation tests: mcp-engine test FILE.test.yaml|DIR … (offline, no database)
  keys rotate   re-seal every stored credential under the current master key
  people export|forget --workspace SLUG --user ID | --conversation ID …   one end user's data: as JSON, or deleted
`;

async function start(config: Config): Promise<void> {
  const { createApp } = await import('./app.js');
  const app = await createApp(config);
  const { url } = await app.start();
  const lines = [`MCP Engine is running at ${config.http.publicUrl ?? url}`];
  lines.push(`  mode:      ${config.storage.databaseUrl ? 'server (PostgreSQL' : `embedded (PGlite in ${config.storage.dataDir}`}${config.storage.redisUrl ? ', Redis)' : ', in-memory cache)'}`);
  if (app.demo) {
    lines.push(`  web chat:  ${config.http.publicUrl ?? url}/`);
    lines.push(`  console:   ${config.http.publicUrl ?? url}/console`);
    lines.push(
      app.demo.newApiKey
        ? `  API key:   ${app.demo.newApiKey}   (demo workspace; shown once — keep it)`
        : '  API key:   the demo workspace exists; use the key printed on its first start (or set MCP_BOOTSTRAP_API_KEY)',
    );
    if (app.demo.newOwnerPassword) {
      lines.push(`  login:     workspace 'demo', ${DEMO_OWNER_EMAIL}, password ${app.demo.newOwnerPassword}   (shown once)`);
    }
    lines.push(`  API docs:  ${config.http.publicUrl ?? url}/docs`);
    lines.push(`  try:       curl -s -X POST ${url}/v1/conversations/hello/messages -H 'authorization: Bearer <key>' -H 'content-type: application/json' -d '{"text":"where is my order"}'`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = async (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function migrate(config: Config): Promise<void> {
  const [{ allMigrations }, { createStorage }] = await Promise.all([import('./app.js'), import('./modules/storage/index.js')]);
  const logger = createLogger({ level: config.logLevel });
  const storage = await createStorage(config.storage, { logger });
  try {
    const applied = await storage.migrate(allMigrations);
    process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'The database is up to date.\n');
  } finally {
    await storage.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const loaded = loadConfig();
  if (!loaded.ok) {
    process.stderr.write(`Configuration problems:\n  ${loaded.problems.join('\n  ')}\n`);
    return 1;
  }
  switch (command) {
    case 'start':
      await start(loaded.config);
      return -1;
    case 'migrate':
      await migrate(loaded.config);
      return 0;
    case 'test':
      return (await import('./cli/test-command.js')).runTestCommand(argv.slice(1), { config: loaded.config });
    case 'people': {
      const { runPeopleCommand } = await import('./cli/people.js');
      // Written before exit: a large export piped elsewhere would otherwise be cut short.
      return runPeopleCommand(argv.slice(1), loaded.config, (text) => new Promise((resolve) => process.stdout.write(text, () => resolve())), (text) => process.stderr.write(text));
    }
    case 'keys':
      if (argv[1] !== 'rotate') break;
      return (await import('./cli/keys-rotate.js')).rotateKeys(loaded.config, (line) => process.stdout.write(`${line}\n`));
    default:
      break;
  }
  process.stderr.write(`Unknown command '${argv.join(' ')}'.\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`mcp-engine: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
