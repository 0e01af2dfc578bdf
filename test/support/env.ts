import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Tests run against the real services on this machine; both URLs can be overridden. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mcp_engine_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Shared by every test instance, as instances of one installation share theirs. */
export const TEST_MASTER_KEY = 'test:' + Buffer.alloc(32, 7).toString('base64');

export const uniqueSuffix = (): string => randomBytes(5).toString('hex');

/**
 * Creates the database afresh (dropping what an earlier run left), so that every run migrates from
 * nothing, as a new installation does; the test files then share it and isolate themselves by tenant.
 */
export async function recreateDatabase(databaseUrl = TEST_DATABASE_URL): Promise<void> {
  await onServer(databaseUrl, async (client, quoted) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted}`);
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await onServer(databaseUrl, (client, quoted) => client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`));
}

/** Runs `fn` on the server's maintenance database, with the target database's quoted name. */
async function onServer(databaseUrl: string, fn: (client: pg.Client, quoted: string) => Promise<unknown>): Promise<void> {
  const url = new URL(databaseUrl);
  const quoted = `"${url.pathname.slice(1).replace(/"/g, '')}"`;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await fn(client, quoted);
  } finally {
    await client.end();
  }
}
