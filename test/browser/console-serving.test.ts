import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../src/console/ensure-built.js';
import { startApp, type TestApp } from '../support/start-app.js';

/** How the gateway serves the built console: files, client-side routes, caching and its CSP. */
describe('console serving', () => {
  let server: TestApp;

  beforeAll(async () => {
    await ensureConsoleBuilt(() => undefined);
    server = await startApp();
  }, 120_000);
  afterAll(() => server?.stop());

  it('serves the app at /console and every client-side route under it, never cached', async () => {
    for (const path of ['/console', '/console/', '/console/flows/flow_abc', '/console/conversations/web%3Ax?q=1']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets for good, and a missing asset is a 404, not the page', async () => {
    const html = await (await fetch(`${server.url}/console`)).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Every body is read: an unread one keeps its connection busy, and the server's close waits for it.
    expect((await asset.text()).length).toBeGreaterThan(1000);
    const missing = await fetch(`${server.url}/console/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('leaves the API and the web chat page alone', async () => {
    const api = await fetch(`${server.url}/v1/flows`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    await health.text();
  });
});
