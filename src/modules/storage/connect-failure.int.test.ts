import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { createStorage, type StorageConfig } from './index.js';
import { freePort } from '../../../test/support/free-port.js';
import { TEST_DATABASE_URL, uniqueSuffix } from '../../../test/support/env.js';

const base: StorageConfig = { dataDir: 'unused', redisKeyPrefix: 'unused:', lockTtlMs: 1_000, lockWaitMs: 1_000 };
const deps = { logger: silentLogger() };
const server = new URL(TEST_DATABASE_URL);
const urlWith = (change: (url: URL) => void) => {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
};

// `mcp-engine start` prints the message of the error createStorage throws; each cause gets its own words and fix.
describe('a storage connection that fails at start says why', () => {
  it('a missing database: its name, `createdb`, and what PostgreSQL said', async () => {
    const name = `mcp_engine_missing_${uniqueSuffix()}`;
    const failure = createStorage({ ...base, databaseUrl: urlWith((u) => (u.pathname = `/${name}`)) }, deps);
    await expect(failure).rejects.toThrow(new RegExp(`database '${name}' does not exist.*createdb .*${name}.*PostgreSQL said: database "${name}" does not exist`));
  });

  it('an unknown role: the user to check, and what PostgreSQL said', async () => {
    const role = `nobody_${uniqueSuffix()}`;
    const failure = createStorage({ ...base, databaseUrl: urlWith((u) => (u.username = role)) }, deps);
    await expect(failure).rejects.toThrow(new RegExp(`refuses the user '${role}'.*PostgreSQL said: .*role "${role}" does not exist`));
  });

  it('a wrong port: nothing listens there, for PostgreSQL and for Redis, named by host and port', async () => {
    const port = await freePort();
    const pg = createStorage({ ...base, databaseUrl: urlWith((u) => (u.port = String(port))) }, deps);
    await expect(pg).rejects.toThrow(new RegExp(`nothing accepts connections at ${server.hostname}:${port} \\(DATABASE_URL\\).*PostgreSQL said: .*ECONNREFUSED`));
    const redis = createStorage({ ...base, databaseUrl: TEST_DATABASE_URL, redisUrl: `redis://localhost:${port}` }, deps);
    await expect(redis).rejects.toThrow(new RegExp(`nothing accepts connections at localhost:${port} \\(REDIS_URL\\).*Redis said: .*ECONNREFUSED`));
  });

  it('DATABASE_URL without REDIS_URL starts, with a warning that several instances are unsafe', async () => {
    const lines: string[] = [];
    const storage = await createStorage({ ...base, databaseUrl: TEST_DATABASE_URL }, { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
    await storage.close();
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/without REDIS_URL .* one instance only/)]);
  });
});
