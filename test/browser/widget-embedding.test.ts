import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.js';
import { startApp, type TestApp } from '../support/start-app.js';
import type { TestTenant } from '../support/tenants.js';
import { ARTIFACTS, buildWidget, launchChromium, tenantWithDemoBot } from './widget-harness.js';

let server: TestApp;
let browser: Browser;
let shop: Server;
let shopOrigin: string;

/** Another site (another origin) that embeds the widget with one script tag and themes it with CSS variables. */
function shopPage(appUrl: string, widgetKey: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title>
<style>mcp-chat { --mcp-accent: #c2410c; --mcp-radius: 4px; }</style></head>
<body><h1>A shop</h1><mcp-chat widget-key="${widgetKey}" chat-title="Shop help"></mcp-chat><script src="${appUrl}/widget.js"></script></body></html>`;
}

beforeAll(async () => {
  buildWidget();
  server = await startApp();
  browser = await launchChromium();
  shop = createServer((req, res) => {
    const key = new URL(req.url ?? '/', 'http://shop').searchParams.get('key') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage(server.url, key.replace(/[^\w-]/g, '')));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => shop?.close(resolve));
  await server?.stop();
});

async function allowOrigins(tenant: TestTenant, allowedOrigins: string[]): Promise<void> {
  const res = await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/web', { enabled: true, config: { allowedOrigins } });
  expect(res.status).toBe(200);
}

describe('chat widget embedded on another site', () => {
  it('loads from the gateway, takes the page’s theme and chats when the site’s origin is allowed', async () => {
    const tenant = await tenantWithDemoBot(server);
    await allowOrigins(tenant, [shopOrigin]);
    const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
    await page.goto(`${shopOrigin}/?key=${tenant.widgetKey}`);
    const launcher = page.getByRole('button', { name: 'Shop help' });
    const accent = `getComputedStyle(document.querySelector('mcp-chat').shadowRoot.querySelector('.launcher')).backgroundColor`;
    await launcher.waitFor();
    expect(await page.evaluate(accent)).toBe('rgb(194, 65, 12)');
    await launcher.click();
    await page.getByRole('textbox', { name: 'Message' }).fill('where is my order');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.getByRole('log').getByText('What is your order number?').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/4-other-site-themed.png` });
    await page.close();
  });

  it('tells the visitor when the site is not among the tenant’s allowed origins, and stops retrying', async () => {
    const tenant = await tenantWithDemoBot(server);
    await allowOrigins(tenant, ['https://shop.example']);
    const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await page.goto(`${shopOrigin}/?key=${tenant.widgetKey}`);
    await page.getByRole('button', { name: 'Shop help' }).click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await page.getByRole('status').getByText('Unavailable').waitFor();
    expect(await input.isDisabled()).toBe(true);
    expect(await page.getByRole('log').textContent()).toContain(`This page's origin (${shopOrigin}) may not use this web chat`);
    await page.screenshot({ path: `${ARTIFACTS}/5-origin-refused.png` });
    await page.waitForTimeout(1000); // twice the longest first reconnect delay: a retry would have opened a socket by now
    expect(sockets).toBe(1);
    await page.close();
  });

  it('serves the script for other sites, and refuses a demo page for a malformed key', async () => {
    const script = await fetch(`${server.url}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await script.text()).toContain('mcp-chat');

    const bad = await client(server.url).get<{ error: { code: string } }>('/widget/demo?key=%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
  });
});
