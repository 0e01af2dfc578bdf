import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recreateDatabase } from '../test/support/env.js';
import { BENCH_DB, httpSender, type Send, settled, startInProcess, startServer } from './targets.js';
import { runConversations } from './stats.js';

const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_ANALYTICS_TURNS ?? 60);
const ROUNDS = Number(process.env.BENCH_ANALYTICS_ROUNDS ?? 6);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);
/** The middle value, or the mean of the two middle ones. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2 : (sorted[Math.floor(middle)] ?? 0);
};

/** One side of a comparison: runs the demo conversations once and returns messages per second. */
interface Contender {
  throughput(): Promise<number>;
  stop(): Promise<void>;
}

/** Messages per second of one run; `settle` then waits (untimed) until the analytics backlog is stored. */
async function measure(send: Send, settle: () => Promise<void>): Promise<number> {
  const { durations, wallMs } = await runConversations(CONVERSATIONS, TURNS, send);
  // The backlog is stored between runs, so that no run pays for the previous one's events or garbage.
  await settle();
  globalThis.gc?.();
  return (durations.length / wallMs) * 1000;
}

async function inProcess(env: Record<string, string>, enabled: boolean): Promise<Contender> {
  const { app, send } = await startInProcess({ MCP_ANALYTICS_ENABLED: String(enabled), ...env });
  return { throughput: () => measure(send, () => app.analytics.flush()), stop: () => app.stop() };
}

async function overHttp(enabled: boolean): Promise<Contender> {
  const server = await startServer({
    database: `${BENCH_DB}_${enabled ? 'on' : 'off'}`,
    env: { MCP_ANALYTICS_ENABLED: String(enabled), REDIS_KEY_PREFIX: `mcp-bench-analytics-http-${enabled ? 'on' : 'off'}:` },
  });
  return { throughput: () => measure(httpSender(server.url), () => settled(server.url)), stop: server.stop };
}

/**
 * Turn throughput with analytics off and on, on the same machine and storage. Each round runs both
 * back to back, in alternating order (off-on, on-off, …), so that drift (caches, JIT, the
 * database's background work after a flush) falls on both alike; the overhead is the median of the
 * rounds' own overheads.
 */
async function compare(label: string, start: (enabled: boolean) => Promise<Contender>): Promise<void> {
  const off = await start(false);
  const on = await start(true);
  try {
    progress(`analytics off/on, ${label}: warming up`);
    await off.throughput();
    await on.throughput();
    const figures = { off: [] as number[], on: [] as number[], overhead: [] as number[] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      const [rateOff, rateOn] = round % 2 === 1 ? [await off.throughput(), await on.throughput()] : [await on.throughput(), await off.throughput()].reverse();
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

/**
 * Turn throughput with analytics on and off: embedded (PGlite, in-process buffer), a server over
 * HTTP (PostgreSQL, the Redis stream; what a deployment serves), and the engine of a server called
 * in process (no HTTP: the analytics work is then the largest share of a turn, the worst case).
 */
export async function benchAnalytics(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), 'mcp-bench-off-')), mkdtempSync(join(tmpdir(), 'mcp-bench-on-'))];
  try {
    await compare('embedded, in process', (enabled) => inProcess({ MCP_DATA_DIR: dirs[enabled ? 1 : 0]! }, enabled));
  } finally {
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  }
  await compare('server, over HTTP', overHttp);
  await recreateDatabase(BENCH_DB);
  await compare('server, engine in process', (enabled) =>
    inProcess(
      {
        DATABASE_URL: BENCH_DB,
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `mcp-bench-analytics-${enabled ? 'on' : 'off'}:`,
        MCP_BOOTSTRAP_API_KEY: 'mcp_bench_bootstrap_key_0123456789',
        MCP_MASTER_KEY: 'bench:' + Buffer.alloc(32, 3).toString('base64'),
      },
      enabled,
    ),
  );
}
