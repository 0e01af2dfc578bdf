import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recorder } from '../fakes/http-recorder.js';
import { startFakeMeta } from '../fakes/meta.js';
import { TEST_MASTER_KEY } from './env.js';
import { client } from './http.js';
import { allMigrations } from '../../src/app.js';
import { createStorage } from '../../src/modules/storage/index.js';
import { silentLogger } from '../../src/shared/logger.js';
import { createInstance, type InstanceProcess } from './instance-process.js';
import { createOwnPostgres, type OwnPostgres } from './own-postgres.js';
import { createOwnRedis, type OwnRedis } from './own-redis.js';

const ADMIN_KEY = 'durability-platform-admin-key-0123456789';
export const PHONE_NUMBER_ID = '106540352242922';
export const APP_SECRET = 'durability-app-secret';

/** Every reply names the message it answers and the turn count, so replies can be tied to their inputs. */
const ECHO_COUNTER = `
name: echo-counter
start: listen
states:
  listen:
    type: intent
    transitions:
      - to: answer
        actions: [{ increment: vars.count }]
  answer:
    type: response
    say: "got {{ message.text }} #{{ vars.count }}"
    next: listen
`;

export interface Workspace {
  slug: string;
  apiKey: string;
  widgetKey: string;
}

/** Two instances behind an imagined load balancer, their own PostgreSQL and Redis, and a fake Graph API. */
export interface Cluster {
  pg: OwnPostgres;
  redis: OwnRedis;
  meta: Recorder;
  instances: InstanceProcess[];
  workspace: Workspace;
  /** A further instance on the same stores, for reading the outcome when the load's instances are gone. */
  startReader(): Promise<InstanceProcess>;
  stop(): Promise<void>;
}

function instanceEnv(pg: OwnPostgres, redis: OwnRedis, dataDir: string): Record<string, string> {
  const unlimited = '100000000';
  return {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'mcp-durable:',
    MCP_DATA_DIR: dataDir,
    MCP_MASTER_KEY: TEST_MASTER_KEY,
    MCP_PLATFORM_ADMIN_KEY: ADMIN_KEY,
    MCP_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    MCP_SSRF_ALLOW: '127.0.0.1',
    MCP_CHANNEL_BASE_URL_OVERRIDE: 'true',
    MCP_RATE_LIMIT_PER_CREDENTIAL: unlimited,
    MCP_RATE_LIMIT_PER_TENANT: unlimited,
    MCP_RATE_LIMIT_PUBLIC_PER_IP: unlimited,
    MCP_RATE_LIMIT_WEBHOOK_PER_IP: unlimited,
    // A killed instance's locks and outbox claims must expire within the test, not in 30 s or a minute.
    MCP_LOCK_TTL_MS: '3000',
    MCP_LOCK_WAIT_MS: '5000',
    MCP_OUTBOX_POLL_MS: '50',
    MCP_OUTBOX_BACKOFF_BASE_MS: '20',
    MCP_OUTBOX_BACKOFF_MAX_MS: '500',
    MCP_OUTBOX_LEASE_MS: '10000',
    MCP_CHANNEL_SEND_TIMEOUT_MS: '1000',
    MCP_ANALYTICS_FLUSH_MS: '200',
  };
}

async function createWorkspace(url: string, metaUrl: string): Promise<Workspace> {
  const created = await client(url, ADMIN_KEY).post<{ tenant: { slug: string; widgetKey: string }; apiKey: string }>('/v1/tenants', { slug: 'durable', name: 'Durability' });
  if (created.status !== 201) throw new Error(`creating the tenant answered ${created.status}: ${JSON.stringify(created.body)}`);
  const { tenant, apiKey } = created.body;
  const api = client(url, apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', ECHO_COUNTER);
  const steps = [
    flow,
    await api.post(`/v1/flows/${flow.body.id}/publish`),
    await api.post(`/v1/flows/${flow.body.id}/default`),
    await api.call('PUT', '/v1/channels/whatsapp', {
      config: { phoneNumberId: PHONE_NUMBER_ID, accessToken: 'durability-token', appSecret: APP_SECRET, verifyToken: 'verify', graphApiBaseUrl: metaUrl },
    }),
  ];
  const failed = steps.find((s) => s.status >= 300);
  if (failed) throw new Error(`setting up the workspace answered ${failed.status}: ${JSON.stringify(failed.body)}`);
  return { slug: tenant.slug, apiKey, widgetKey: tenant.widgetKey };
}

/** Migrates in this process, as the global setup does: one process start less than `mcp-engine migrate` on a busy machine. */
async function migrate(databaseUrl: string): Promise<void> {
  const storage = await createStorage({ databaseUrl, dataDir: 'data-test', redisKeyPrefix: 'mcp-durable:', lockTtlMs: 1000, lockWaitMs: 1000 }, { logger: silentLogger() });
  try {
    await storage.migrate(allMigrations);
  } finally {
    await storage.close();
  }
}

/**
 * Starts everything, stopping what did start when a later step fails, so that no process or
 * directory outlives a failed setup.
 */
export async function startCluster(): Promise<Cluster> {
  const started: { stop(): Promise<void> }[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-durability-data-'));
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const pg = await createOwnPostgres();
    started.push(pg);
    const redis = await createOwnRedis();
    started.push(redis);
    const meta = await startFakeMeta();
    started.push({ stop: () => meta.close() });
    await Promise.all([pg.start(), redis.start()]);
    const env = instanceEnv(pg, redis, dataDir);
    await migrate(pg.url);
    const instances = [await createInstance('a', env), await createInstance('b', env)];
    started.push(...instances);
    await Promise.all(instances.map((i) => i.start()));
    const workspace = await createWorkspace(instances[0]!.url, meta.url);
    const startReader = async () => {
      const reader = await createInstance('reader', env);
      started.push(reader);
      await reader.start();
      return reader;
    };
    return { pg, redis, meta, instances, workspace, startReader, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
