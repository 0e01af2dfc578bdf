import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../src/cli/keys-rotate.js';
import { signSlack } from './fakes/slack.js';
import { client } from './support/http.js';
import { startApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-engine-rotate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const VERIFY = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'still-readable' });

describe('mcp-engine keys rotate', () => {
  it('re-seals stored credentials under a new master key, and they still open', async () => {
    let server = await startApp({ mode: 'embedded', dataDir });
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    expect((await api.call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-1', signingSecret: 'signing-secret' } })).status).toBe(200);
    await server.stop();
    const keyBefore = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();

    // In process, as main.ts runs it: the command is the subject, not the process around it.
    const lines: string[] = [];
    expect(await rotateKeys(server.config, (line) => lines.push(line))).toBe(0);
    expect(lines.join('\n')).toMatch(/chat: 1 value\(s\) re-sealed/);
    const keyAfter = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    expect(keyAfter).not.toBe(keyBefore);
    expect(keyAfter.split(',')).toHaveLength(1);

    // The old key is gone from the file, yet the channel's signing secret still verifies a webhook.
    server = await startApp({ mode: 'embedded', dataDir });
    try {
      const res = await fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signSlack('signing-secret', VERIFY, Date.now()) },
        body: VERIFY,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('still-readable');
    } finally {
      await server.stop();
    }
  }, 90_000);
});
