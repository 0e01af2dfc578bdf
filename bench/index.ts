import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { recreateDatabase } from '../test/support/env.js';
import { benchAnalytics } from './analytics.js';
import { benchFlowTurn } from './flow-turn.js';
import { printRow, runConversations, summarise } from './stats.js';

const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_TURNS ?? 40);
const BENCH_DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mcp_engine_bench';
const BENCH_KEY = 'mcp_bench_bootstrap_key_0123456789';

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** (a) ExecutionService.processMessage in process, embedded defaults (PGlite + memory). */
async function benchInProcess(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const loaded = loadConfig({ MCP_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const app = await createApp(loaded.config, { logger: silentLogger() });
  try {
    const tenantId = app.demo!.tenant.id;
    const send = async (id: string, text: string) => {
      await app.engine.processMessage(tenantId, id, { text, channel: 'api' });
    };
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

/** Starts `mcp-engine start` as its own process in server mode and returns its URL. */
async function startServer(): Promise<{ url: string; stop: () => void }> {
  await recreateDatabase(BENCH_DB);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: BENCH_DB, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'mcp-bench:', LOG_LEVEL: 'warn', MCP_BOOTSTRAP_API_KEY: BENCH_KEY, MCP_RATE_LIMIT_PER_CREDENTIAL: '100000000', MCP_RATE_LIMIT_PER_TENANT: '100000000', MCP_MASTER_KEY: 'bench:' + Buffer.alloc(32, 3).toString('base64') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** (b) HTTP end to end: a separate server process on PostgreSQL + Redis. */
async function benchHttp(): Promise<void> {
  progress('starting the server (PostgreSQL + Redis)');
  const server = await startServer();
  try {
    const send = async (id: string, text: string) => {
      const response = await fetch(`${server.url}/v1/conversations/${id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };
    progress('warming up (HTTP)');
    await runConversations(5, 5, send);
    progress(`${CONVERSATIONS} conversations × ${TURNS} messages over HTTP`);
    const { durations, wallMs } = await runConversations(CONVERSATIONS, TURNS, send);
    printRow('(b) HTTP end to end, PostgreSQL + Redis', summarise(durations, wallMs));
  } finally {
    server.stop();
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
