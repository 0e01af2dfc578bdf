import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { client } from '../support/http.js';
import type { TestApp } from '../support/start-app.js';
import { createTenant, type TestTenant } from '../support/tenants.js';

export const ARTIFACTS = 'test-artifacts/widget';

const DEMO_FLOW = readFileSync(new URL('../../src/demo/order-support.yaml', import.meta.url), 'utf8');

/** Builds the widget from the current sources, so that the test never runs a stale bundle. */
export function buildWidget(): void {
  execFileSync(process.execPath, ['src/widget/build.js'], { stdio: 'pipe' });
  mkdirSync(ARTIFACTS, { recursive: true });
}

export { launchChromium } from './support/browser.js';

/** A fresh tenant running the demo order-support bot. */
export async function tenantWithDemoBot(server: TestApp): Promise<TestTenant> {
  const tenant = await createTenant(server.app, 'widget');
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', DEMO_FLOW);
  expect(created.status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return tenant;
}

/** What the widget keeps in localStorage for this key (read in the page; DOM types stay out of the Node tests). */
export async function storedState(page: Page, widgetKey: string): Promise<{ conversation: string; outbox: unknown[]; transcript: { from: string; text: string }[] }> {
  return JSON.parse((await page.evaluate(`localStorage.getItem(${JSON.stringify(`mcp-chat:${widgetKey}`)})`)) as string);
}

/** The `aria-label` or id of the element focused inside the widget's shadow root. */
export async function focusedInWidget(page: Page): Promise<string | null> {
  return (await page.evaluate(`(() => { const a = document.querySelector('mcp-chat')?.shadowRoot?.activeElement; return a ? (a.id || a.getAttribute('aria-label') || a.textContent) : null; })()`)) as string | null;
}

/** The transcript as drawn, one "<from>: <text>" line per message. */
export async function drawnTranscript(page: Page): Promise<string[]> {
  return (await page.evaluate(
    `[...document.querySelector('mcp-chat').shadowRoot.querySelectorAll('.msg')].map((m) => m.classList[1] + ': ' + m.textContent)`,
  )) as string[];
}

export async function inboundTexts(server: TestApp, tenant: TestTenant, conversation: string): Promise<(string | null)[]> {
  const res = await client(server.url, tenant.apiKey).get<{ messages: { direction: string; text: string | null }[] }>(`/v1/conversations/web:${conversation}/messages`);
  return res.body.messages.filter((m) => m.direction === 'inbound').map((m) => m.text);
}
