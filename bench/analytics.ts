import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { recreateDatabase } from '../test/support/env.js';
import { runConversations } from './stats.js';

const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_TURNS ?? 40);
const ROUNDS = Number(process.env.BENCH_ANALYTICS_ROUNDS ?? 3);
const BENCH_DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mcp_engine_bench';

const progress = (text: string) => process.stderr.write(`… ${text}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function appWith(env: Record<string, string>, enabled: boolean): Promise<App> {
  const loaded = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', MCP_ANALYTICS_ENABLED: String(enabled), ...env });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return createApp(loaded.config, { logger: silentLogger() });
}

/** Messages per second of one run of the demo conversations, straight into the engine. */
async function throughput(app: App): Promise<number> {
  const tenantId = app.demo!.tenant.id;
  const { durations, wallMs } = await runConversations(CONVERSATIONS, TURNS, async (id, text) => {
    await app.engine.processMessage(tenantId, id, { text, channel: 'api' });
  });
  // The backlog is stored between runs, so that no run pays for the previous one's events.
  await app.analytics.flush();
  return (durations.length / wallMs) * 1000;
}

/**
 * Turn throughput with analytics off and on, in the same process and storage: rounds alternate
 * between the two apps so that drift (caches, JIT, the database) falls on both alike.
 */
async function compare(label: string, env: (enabled: boolean) => Record<string, string>): Promise<void> {
  const off = await appWith(env(false), false);
  const on = await appWith(env(true), true);
  try {
    progress(`analytics off/on, ${label}: warming up`);
    await throughput(off);
    await throughput(on);
    const figures = { off: [] as number[], on: [] as number[] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      progress(`analytics off/on, ${label}: round ${round} of ${ROUNDS}`);
      figures.off.push(await throughput(off));
      figures.on.push(await throughput(on));
    }
    const [rateOff, rateOn] = [median(figures.off), median(figures.on)];
    const overhead = ((rateOff - rateOn) / rateOff) * 100;
    process.stdout.write(
      `${`(e) analytics ${label}`.padEnd(48)} off ${rateOff.toFixed(0).padStart(6)} msg/s   on ${rateOn.toFixed(0).padStart(6)} msg/s   overhead ${overhead.toFixed(1)}% (target < 5%; median of ${ROUNDS})\n`,
    );
  } finally {
    await on.stop();
    await off.stop();
  }
}

/** Turn throughput with analytics on and off: embedded (PGlite, in-process buffer) and server (PostgreSQL, Redis stream). */
export async function benchAnalytics(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), 'mcp-bench-off-')), mkdtempSync(join(tmpdir(), 'mcp-bench-on-'))];
  try {
    await compare('embedded', (enabled) => ({ MCP_DATA_DIR: dirs[enabled ? 1 : 0]! }));
  } finally {
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  }
  await recreateDatabase(BENCH_DB);
  await compare('server', (enabled) => ({
    DATABASE_URL: BENCH_DB,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `mcp-bench-analytics-${enabled ? 'on' : 'off'}:`,
    MCP_BOOTSTRAP_API_KEY: 'mcp_bench_bootstrap_key_0123456789',
    MCP_MASTER_KEY: 'bench:' + Buffer.alloc(32, 3).toString('base64'),
  }));
}
