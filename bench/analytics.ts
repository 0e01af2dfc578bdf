import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { recreateDatabase } from '../test/support/env.js';
import { runConversations } from './stats.js';

const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_ANALYTICS_TURNS ?? 60);
const ROUNDS = Number(process.env.BENCH_ANALYTICS_ROUNDS ?? 6);
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
  // The backlog is stored between runs, so that no run pays for the previous one's events or garbage.
  await app.analytics.flush();
  globalThis.gc?.();
  return (durations.length / wallMs) * 1000;
}

/**
 * Turn throughput with analytics off and on, in the same process and storage. Each round runs
 * both apps back to back, in alternating order (off-on, on-off, …), so that drift (caches, JIT,
 * the database's background work after a flush) falls on both alike; the overhead is the median of
 * the rounds' own overheads.
 */
async function compare(label: string, env: (enabled: boolean) => Record<string, string>): Promise<void> {
  const off = await appWith(env(false), false);
  const on = await appWith(env(true), true);
  try {
    progress(`analytics off/on, ${label}: warming up`);
    await throughput(off);
    await throughput(on);
    const figures = { off: [] as number[], on: [] as number[], overhead: [] as number[] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      const [rateOff, rateOn] = round % 2 === 1 ? [await throughput(off), await throughput(on)] : [await throughput(on), await throughput(off)].reverse();
      figures.off.push(rateOff!);
      figures.on.push(rateOn!);
      figures.overhead.push(((rateOff! - rateOn!) / rateOff!) * 100);
      progress(`analytics off/on, ${label}: round ${round} of ${ROUNDS}: off ${rateOff!.toFixed(0)}, on ${rateOn!.toFixed(0)} msg/s`);
    }
    process.stdout.write(
      `${`(e) analytics ${label}`.padEnd(48)} off ${median(figures.off).toFixed(0).padStart(6)} msg/s   on ${median(figures.on).toFixed(0).padStart(6)} msg/s   overhead ${median(figures.overhead).toFixed(1)}% (target < 5%; median of ${ROUNDS} rounds)\n`,
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
