import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../src/cli/keys-rotate.js';
import { signSlack } from './fakes/slack.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const run = promisify(execFile);
// Its own database: the shared one holds other files' credentials, sealed under the shared test key.
const databaseUrl = TEST_DATABASE_URL.replace(/\/[^/]+$/, `/mcp_engine_test_keys_${uniqueSuffix()}`);
const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');
const VERIFY = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'still-readable' });

const withKey = (masterKey: string) => startApp({ env: { DATABASE_URL: databaseUrl, MCP_MASTER_KEY: masterKey } });
let tenant: TestTenant;

beforeAll(async () => {
  await recreateDatabase(databaseUrl);
  // Sealed under a key given without an id, as the README's first server-mode start does: it is 'k1'.
  const server = await withKey(oldKey);
  try {
    tenant = await createTenant(server.app);
    const put = await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-1', signingSecret: 'signing-secret' } });
    expect(put.status).toBe(200);
  } finally {
    await server.stop();
  }
}, 60_000);
afterAll(() => dropDatabase(databaseUrl));

describe('the master key at start', () => {
  it('a server started with another key exits 1 and names the key id, before serving anything', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `mcp-test-${uniqueSuffix()}:`,
        MCP_MASTER_KEY: newKey,
        MCP_SEED_DEMO: 'false',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/master key 'k1' in MCP_MASTER_KEY is not the key that sealed the stored credentials \(chat\)/);
    expect(failed?.stderr).toMatch(/keys rotate/);
  }, 120_000);

  it('refuses a ring that lacks the key that sealed the stored values', async () => {
    await expect(withKey(`k2:${newKey}`)).rejects.toThrow(/sealed under master key 'k1', which MCP_MASTER_KEY does not contain/);
  });

  it('`k2:NEW,OLD` opens values sealed by OLD alone, and after `keys rotate` NEW alone does', async () => {
    const ring = `k2:${newKey},${oldKey}`;
    const server = await withKey(ring);
    try {
      expect(await slackVerification(server.url)).toBe('still-readable');
      const lines: string[] = [];
      expect(await rotateKeys(server.config, (line) => lines.push(line))).toBe(0);
      expect(lines.join('\n')).toMatch(/chat: 1 value\(s\) re-sealed/);
    } finally {
      await server.stop();
    }
    const rotated = await withKey(`k2:${newKey}`);
    try {
      expect(await slackVerification(rotated.url)).toBe('still-readable');
    } finally {
      await rotated.stop();
    }
  });
});

async function slackVerification(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/channels/${tenant.slug}/slack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signSlack('signing-secret', VERIFY, Date.now()) },
    body: VERIFY,
  });
  expect(res.status).toBe(200);
  return res.text();
}
