/**
 * `npm run bench:start`: where an embedded start spends its time, the first time (empty data
 * directory: PGlite's initdb, every migration, the demo seeded) and the next (existing directory).
 * Each phase prints wall-clock and CPU time (CPU stays comparable on a loaded machine). The console
 * and widget builds of `npm start`'s prestart are left out: they run once per checkout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';

interface Phase {
  name: string;
  wallMs: number;
  cpuMs: number;
}

function stopwatch() {
  let wall = performance.now();
  let cpu = cpuUsage();
  const phases: Phase[] = [];
  return {
    phases,
    lap(name: string) {
      const used = cpuUsage(cpu);
      phases.push({ name, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 });
      wall = performance.now();
      cpu = cpuUsage();
    },
  };
}

const print = (title: string, phases: readonly Phase[]) => {
  process.stdout.write(`\n${title}\n`);
  for (const p of phases) process.stdout.write(`  ${p.name.padEnd(34)} ${p.wallMs.toFixed(0).padStart(7)} ms wall ${p.cpuMs.toFixed(0).padStart(7)} ms CPU\n`);
  const sum = (key: 'wallMs' | 'cpuMs') => phases.reduce((total, p) => total + p[key], 0).toFixed(0).padStart(7);
  process.stdout.write(`  ${'total'.padEnd(34)} ${sum('wallMs')} ms wall ${sum('cpuMs')} ms CPU\n`);
}

const watch = stopwatch();
const [{ createApp, allMigrations }, { loadConfig }, { createStorage }, { silentLogger }] = await Promise.all([
  import('../src/app.js'),
  import('../src/config.js'),
  import('../src/modules/storage/index.js'),
  import('../src/shared/logger.js'),
]);
watch.lap('import the engine (tsx)');
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-start-'));
try {
  const storage = await createStorage({ dataDir, redisKeyPrefix: 'bench:', lockTtlMs: 5_000, lockWaitMs: 5_000 }, { logger: silentLogger() });
  watch.lap('PGlite in an empty directory');
  await storage.migrate(allMigrations);
  watch.lap('every migration');
  await storage.close();
  watch.lap('close');
  const loaded = loadConfig({ PORT: '0', MCP_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const first = await createApp(loaded.config);
  watch.lap('createApp: open, seed the demo');
  await first.start();
  watch.lap('listen');
  await first.stop();
  watch.lap('stop');
  print('First start (empty data directory)', watch.phases.splice(0));

  const again = await createApp(loaded.config);
  watch.lap('createApp: open an existing directory');
  await again.start();
  watch.lap('listen');
  await again.stop();
  watch.lap('stop');
  print('Next start (existing data directory)', watch.phases.splice(0));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
