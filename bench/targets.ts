import { spawn } from 'node:child_process';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { recreateDatabase } from '../test/support/env.js';

/** What a benchmark drives: the demo flow's messages, in process or over HTTP. */
export type Send = (conversationId: string, text: string) => Promise<void>;

/** The app in this process on `env` (plus silent logs), and a sender of messages to its demo bot. */
export async function startInProcess(env: Record<string, string>): Promise<{ app: App; send: Send }> {
  const loaded = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const app = await createApp(loaded.config, { logger: silentLogger() });
  const tenantId = app.demo!.tenant.id;
  const send: Send = async (conversationId, text) => {
    await app.engine.turns.processMessage(tenantId, conversationId, { text, channel: 'api' });
  };
  return { app, send };
}

export const BENCH_DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mcp_engine_bench';
export const BENCH_KEY = 'mcp_bench_bootstrap_key_0123456789';

export interface BenchServer {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts `mcp-engine start` as its own process in server mode (PostgreSQL + Redis) on a fresh
 * database, and returns its URL. `env` adds or overrides settings.
 */
export async function startServer(
  options: { database?: string; env?: Record<string, string>; /** Another instance on a database already set up. */ joining?: boolean; nodeArgs?: string[] } = {},
): Promise<BenchServer> {
  const database = options.database ?? BENCH_DB;
  if (!options.joining) await recreateDatabase(database);
  // As the Dockerfile starts it (its young generation size included).
  const child = spawn(process.execPath, ['--max-semi-space-size=128', ...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: database,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'mcp-bench:',
      // As deployed: a line per request and per response.
      LOG_LEVEL: 'info',
      MCP_BOOTSTRAP_API_KEY: BENCH_KEY,
      MCP_RATE_LIMIT_PER_CREDENTIAL: '100000000',
      MCP_RATE_LIMIT_PER_TENANT: '100000000',
      MCP_MASTER_KEY: 'bench:' + Buffer.alloc(32, 3).toString('base64'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (!match) return;
      // From here on its log lines are only drained.
      child.stdout.off('data', read);
      child.stdout.resume();
      resolve(match[1]!);
    };
    child.stdout.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sends one message of the demo conversation to a bench server, as an API client would. */
export function httpSender(url: string): Send {
  return async (conversationId, text) => {
    const response = await fetch(`${url}/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
}

/** Waits until the server has stored every analytics record it took (its queue depth, from /metrics, is 0). */
export async function settled(url: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (/^mcp_analytics_queue_depth 0$/m.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not store its analytics within a minute`);
}
