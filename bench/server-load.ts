import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOwnRedis } from '../test/support/own-redis.js';
import { topSelfTime } from './cpu-profile.js';
import { formatOpenLoop, httpMessageSender, type OpenLoopOptions, type OpenLoopResult, runOpenLoop } from './open-loop.js';
import { databaseCommits, formatMachineCost, machineCpu, perTurn, processCpuMs, redisCommandCalls } from './storage-costs.js';
import { BENCH_DB, BENCH_KEY, type BenchServer, settled, startServer } from './targets.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
/** Offered rates for one instance: a third, half, and all of the target (issue 21: 3,000 msg/s on 2 cores). */
const RATES = (process.env.BENCH_RATES ?? '1000,1500,3000').split(',').map(Number);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);
export const loadAverage = () => `load ${loadavg().map((n) => n.toFixed(1)).join(' ')}`;

async function openLoop(servers: BenchServer[], options: Omit<OpenLoopOptions, 'send'>): Promise<OpenLoopResult> {
  const sender = httpMessageSender(servers.map((s) => s.url), BENCH_KEY);
  try {
    return await runOpenLoop({ ...options, send: sender.send });
  } finally {
    sender.close();
  }
}

async function startInstances(count: number, redisUrl: string, profileDir: string | null): Promise<BenchServer[]> {
  const servers: BenchServer[] = [];
  for (let i = 0; i < count; i += 1) {
    servers.push(
      await startServer({
        env: { REDIS_URL: redisUrl },
        joining: i > 0,
        ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
      }),
    );
  }
  return servers;
}

/** A gauge or a counter's value from a Prometheus text page (summed over its labels). */
export function metricValue(page: string, name: string): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const scrape = async (server: BenchServer) => (await fetch(`${server.url}/metrics`)).text();

/** A histogram's cumulative bucket counts by upper bound. */
function buckets(page: string, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of page.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm'))) counts.set(match[1]!, Number(match[2]));
  return counts;
}

/** The bucket bound under which 99% of what a histogram counted between two scrapes falls. */
function p99Bound(before: Map<string, number>, after: Map<string, number>): string {
  const delta = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
  const total = delta.at(-1)?.[1] ?? 0;
  const bound = delta.find(([, n]) => n >= total * 0.99)?.[0];
  return total === 0 || bound === undefined ? 'n/a' : bound === '+Inf' ? '> 5 s' : `≤ ${Number(bound) * 1000} ms`;
}

/**
 * Where a server's tail latency comes from: turns waiting for their group commit, its event loop's
 * worst delays and the time spent in garbage collection during the run (prom-client's defaults; the loop-delay histogram restarts at
 * each scrape, so the scrape before the run leaves only the run's delays in the one after).
 */
async function stallsDuring<T>(server: BenchServer, run: () => Promise<T>): Promise<{ result: T; stalls: string }> {
  const before = await scrape(server);
  const result = await run();
  const page = await scrape(server);
  const ms = (name: string) => (metricValue(page, name) * 1000).toFixed(0);
  const gcMs = (metricValue(page, 'nodejs_gc_duration_seconds_sum') - metricValue(before, 'nodejs_gc_duration_seconds_sum')) * 1000;
  const commit = p99Bound(buckets(before, 'mcp_turn_commit_wait_seconds'), buckets(page, 'mcp_turn_commit_wait_seconds'));
  return {
    result,
    stalls: `commit wait p99 ${commit}, loop delay p99 ${ms('nodejs_eventloop_lag_p99_seconds')} ms max ${ms('nodejs_eventloop_lag_max_seconds')} ms, GC ${(gcMs / SECONDS).toFixed(0)} ms/s`,
  };
}

/**
 * One open-loop run against `servers` (round robin), printed with the load average, the servers'
 * CPU per message and, for one server, its event-loop stalls.
 */
async function loadRow(label: string, servers: BenchServer[], rate: number, seconds = SECONDS): Promise<void> {
  const cpuBefore = servers.map((s) => processCpuMs(s.pid));
  const machineBefore = machineCpu(servers.map((s) => s.pid));
  const load = loadAverage();
  const { result, stalls } = await stallsDuring(servers[0]!, () => openLoop(servers, { rate, seconds, conversations: CONVERSATIONS, runId: `r${rate}-${Date.now()}` }));
  const machineAfter = machineCpu(servers.map((s) => s.pid));
  const cpu = servers.reduce((sum, s, i) => sum + processCpuMs(s.pid) - cpuBefore[i]!, 0);
  const perMessage = result.ok > 0 ? `${((cpu / result.ok) * 1000).toFixed(0)} µs server CPU/msg` : '';
  process.stdout.write(`${formatOpenLoop(label, result)}   ${perMessage}   ${servers.length === 1 ? stalls : `first instance: ${stalls}`}   (${load})\n`);
  if (result.ok > 0) process.stdout.write(`${formatMachineCost(machineBefore, machineAfter, result.ok)}\n`);
}

/** What a turn costs in storage: PostgreSQL transactions and Redis commands per turn, on a database and Redis of the bench's own. */
async function storageRow(server: BenchServer, redisUrl: string): Promise<void> {
  const turns = 2000;
  await settled(server.url);
  const commitsBefore = await databaseCommits(BENCH_DB);
  const redisBefore = await redisCommandCalls(redisUrl);
  const result = await openLoop([server], { rate: 500, seconds: turns / 500, conversations: 200, runId: `storage-${Date.now()}` });
  const redisAfter = await redisCommandCalls(redisUrl);
  await settled(server.url);
  // The reading itself is one transaction.
  const transactions = (await databaseCommits(BENCH_DB)) - commitsBefore - 1;
  const commands = perTurn(redisBefore, redisAfter, result.ok);
  const total = commands.reduce((sum, c) => sum + c.perTurn, 0);
  process.stdout.write(
    `    per turn (${result.ok} turns at 500 msg/s): ${(transactions / result.ok).toFixed(2)} PostgreSQL transactions (group commits; background work and the analytics relay included), ` +
      `${total.toFixed(2)} Redis commands (${commands.map((c) => `${c.command} ${c.perTurn.toFixed(2)}`).join(', ')}; commands a script runs count too)\n`,
  );
}

function printProfile(dir: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const top = topSelfTime(join(dir, file), 10);
    if (top.length === 0) continue;
    process.stdout.write(`    CPU profile ${file} — top 10 self time:\n`);
    for (const f of top) process.stdout.write(`      ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}\n`);
  }
}

/**
 * (b) Server mode over HTTP, open loop: one instance at each rate in BENCH_RATES, then two instances
 * behind a round-robin client at the highest; the storage cost of a turn; with BENCH_PROFILE=1, the
 * top functions of a CPU profile of the one-instance runs.
 */
export async function benchServerLoad(): Promise<void> {
  progress('starting a Redis of its own and the server (PostgreSQL + Redis)');
  const redis = await createOwnRedis();
  await redis.start();
  const profileDir = process.env.BENCH_PROFILE ? mkdtempSync(join(tmpdir(), 'mcp-bench-prof-')) : null;
  try {
    let servers = await startInstances(1, redis.url, profileDir);
    progress('warming up');
    // Long enough for the JIT to settle: the first seconds of a fresh process cost far more CPU per message.
    await openLoop(servers, { rate: 500, seconds: 10, conversations: CONVERSATIONS, runId: `warm-${Date.now()}` });
    for (const rate of RATES) {
      progress(`${rate} msg/s for ${SECONDS} s, ${CONVERSATIONS} conversations, one instance`);
      await loadRow('(b) HTTP, PostgreSQL + Redis, 1 instance', servers, rate);
    }
    progress('counting storage round trips');
    await storageRow(servers[0]!, redis.url);
    await Promise.all(servers.map((s) => s.stop()));
    if (profileDir) printProfile(profileDir);

    servers = await startInstances(2, redis.url, null);
    progress('warming up two instances');
    await openLoop(servers, { rate: 300, seconds: 5, conversations: CONVERSATIONS, runId: `warm2-${Date.now()}` });
    const top = Math.max(...RATES);
    progress(`${top} msg/s for ${SECONDS} s, two instances`);
    await loadRow('(b) HTTP, PostgreSQL + Redis, 2 instances', servers, top);
    await Promise.all(servers.map((s) => s.stop()));
  } finally {
    await redis.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}
