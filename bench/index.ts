import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAnalytics } from './analytics.js';
import { benchFlowTurn } from './flow-turn.js';
import { createOwnRedis } from '../test/support/own-redis.js';
import { databaseCommits, redisCommandsDuring } from './storage-costs.js';
import { BENCH_DB, httpSender, settled, startInProcess, startServer } from './targets.js';
import { printRow, runConversations, summarise } from './stats.js';

const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_TURNS ?? 40);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** (a) ExecutionService.processMessage in process, embedded defaults (PGlite + memory). */
async function benchInProcess(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const { app, send } = await startInProcess({ MCP_DATA_DIR: dataDir });
  try {
    progress('warming up (in process, embedded)');
    await runConversations(5, 5, send);
    progress(`${CONVERSATIONS} conversations × ${TURNS} messages, in process`);
    const { durations, wallMs } = await runConversations(CONVERSATIONS, TURNS, send);
    printRow('(a) processMessage, embedded (PGlite + memory)', summarise(durations, wallMs));
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * (b) HTTP end to end: a separate server process on PostgreSQL and a Redis of its own, with what a
 * turn costs in storage round trips (PostgreSQL transactions, Redis commands) measured apart.
 */
async function benchHttp(): Promise<void> {
  progress('starting Redis and the server (PostgreSQL + Redis)');
  const redis = await createOwnRedis();
  await redis.start();
  const server = await startServer({ env: { REDIS_URL: redis.url } });
  try {
    const send = httpSender(server.url);
    progress('warming up (HTTP)');
    await runConversations(5, 5, send);
    progress(`${CONVERSATIONS} conversations × ${TURNS} messages over HTTP`);
    const { durations, wallMs } = await runConversations(CONVERSATIONS, TURNS, send);
    printRow('(b) HTTP end to end, PostgreSQL + Redis', summarise(durations, wallMs));

    progress('counting storage round trips of 200 more turns');
    await settled(server.url);
    const before = await databaseCommits(BENCH_DB);
    const commands = await redisCommandsDuring(redis.url, async () => {
      await runConversations(20, 10, send);
      // Time for the analytics relay to store them (polling /metrics would add transactions of its own).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    });
    // The reading itself is one transaction.
    const transactions = (await databaseCommits(BENCH_DB)) - before - 1;
    process.stdout.write(`    per turn: ${(transactions / 200).toFixed(2)} PostgreSQL transactions (analytics relay included), ${(commands / 200).toFixed(1)} Redis commands sent (a lock's cache update and release go in one round trip)\n`);
  } finally {
    await server.stop();
    await redis.stop();
  }
}

/** `npm run bench` runs every part; `npm run bench -- b e` only those named. */
const parts: Record<string, () => Promise<void>> = {
  a: benchInProcess,
  b: benchHttp,
  c: async () => {
    progress('20-state flow, in process');
    await benchFlowTurn(Number(process.env.BENCH_FLOW_TURNS ?? 5000));
  },
  e: benchAnalytics,
};
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in parts) && name !== 'd');
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark part ${unknown.join(', ')}; choose from a, b, c (also prints d), e.\n`);
  process.exit(2);
}
process.stdout.write(`MCP Engine benchmark — demo flow, ${CONVERSATIONS} concurrent conversations, ${TURNS} messages each\n`);
for (const [name, run] of Object.entries(parts)) {
  if (chosen.length === 0 || chosen.includes(name) || (name === 'c' && chosen.includes('d'))) await run();
}
