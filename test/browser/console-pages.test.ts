import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/browser.js';
import { type ConsoleFixture, startConsoleFixture } from './support/console-app.js';

/**
 * Every console page in real Chromium at a laptop (1280×800) and a phone (390×844) size: nothing
 * runs off the side, the page's key parts show, a screenshot is kept (test-artifacts/console-pages-*);
 * then the behaviours the polish fixed, each checked for what it does. One browser; one page per
 * size (and one for an analyst), reused by every test.
 */
const FLOW = `name: console-shop
start: welcome
nlu:
  intents:
    greet: ["hello", "hi there", "good morning"]
    human: ["talk to a human", "agent please", "a person please"]
states:
  welcome:
    type: response
    say: "Hello! How can I help?"
    next: ask
  ask:
    type: intent
    transitions:
      - when: intent == "greet"
        to: done
      - when: intent == "human"
        to: handoff
    fallback: { say: "Sorry, I did not get that.", max: 2, then: handoff }
  handoff: { type: handoff, say: "Connecting you to a person." }
  done: { type: end, say: "Bye!", goal: true }
`;
/** Hands every conversation to a person at once: the inbox's conversation, whatever the NLU makes of it. */
const HANDOFF_FLOW = `name: console-handoff
start: hand
states:
  hand: { type: handoff, say: "Connecting you to a person." }
`;
const ANALYST = { email: 'ann-analyst@example.com', password: 'violet kettle drums 42' };

interface Viewer {
  page: Page;
  shot: (name: string) => Promise<string>;
  problems: string[];
}

let fixture: ConsoleFixture;
let browser: Browser;
let flowId: string;
let desktop: Viewer;
let phone: Viewer;

async function login(viewer: Viewer, who: { email: string; password: string }): Promise<void> {
  await viewer.page.goto(`${fixture.server.url}/console`);
  await viewer.page.getByLabel('Workspace').fill(fixture.tenant.slug);
  await viewer.page.getByLabel('E-mail').fill(who.email);
  await viewer.page.getByLabel('Password').fill(who.password);
  await viewer.page.getByRole('button', { name: 'Log in' }).click();
  await viewer.page.locator('nav.sidebar a').first().waitFor();
}

/** Moves within the console as its own links do: no reload and no new session, so faster than goto. */
async function visit(page: Page, path: string): Promise<void> {
  await page.evaluate(`history.pushState(null, '', ${JSON.stringify(`/console${path}`)}); dispatchEvent(new PopStateEvent('popstate'))`);
}

/** Elements wider than the window, named so that a failure says what to fix. */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return (await page.evaluate(`(() => {
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && !el.closest('.table, .graph-scroll, .cm-editor, pre'))
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
    return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth, culprits };
  })()`)) as { scrollWidth: number; innerWidth: number; culprits: string[] };
}

async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  return box !== null && size !== null && box.y >= 0 && box.y + box.height <= size.height + 1 && box.x >= 0 && box.x + box.width <= size.width + 1;
}

const PAGES: { name: string; path: () => string; ready: (page: Page) => Locator }[] = [
  { name: 'flows', path: () => '/flows', ready: (p) => p.getByRole('link', { name: 'console-shop' }) },
  { name: 'flow-editor', path: () => `/flows/${flowId}`, ready: (p) => p.locator('.flow-graph') },
  { name: 'conversation', path: () => '/conversations/web%3Ashopper-1', ready: (p) => p.locator('.transcript') },
  { name: 'inbox', path: () => '/inbox/web%3Ashopper-2', ready: (p) => p.getByLabel('Agent reply') },
  { name: 'analytics', path: () => '/analytics', ready: (p) => p.locator('.kpi').first() },
  { name: 'nlu-data', path: () => '/nlu', ready: (p) => p.getByRole('heading', { name: 'NLU training data' }) },
  { name: 'knowledge', path: () => '/knowledge', ready: (p) => p.getByRole('heading', { name: 'Knowledge base' }) },
  { name: 'settings-integrations', path: () => '/settings/integrations', ready: (p) => p.getByRole('form', { name: 'New integration' }) },
  { name: 'settings-channels', path: () => '/settings/channels', ready: (p) => p.getByTestId('widget-key') },
  { name: 'settings-models', path: () => '/settings/models', ready: (p) => p.getByRole('form', { name: 'Add a provider' }) },
  { name: 'settings-api-keys', path: () => '/settings/api-keys', ready: (p) => p.getByRole('form', { name: 'New API key' }) },
  { name: 'settings-users', path: () => '/settings/users', ready: (p) => p.getByRole('cell', { name: new RegExp(fixture.owner.email) }) },
  { name: 'settings-audit', path: () => '/settings/audit', ready: (p) => p.getByRole('cell', { name: 'flow.publish' }).first() },
];

beforeAll(async () => {
  fixture = await startConsoleFixture();
  const { api, server, tenant } = fixture;
  const publishedDefault = async (source: string) => {
    const created = await api.post<{ id: string }>('/v1/flows', source);
    expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
    expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
    return created.body.id;
  };
  const say = (conversation: string, id: string, text: string) => api.post('/v1/webchat/messages', { key: tenant.widgetKey, conversation, id, text });
  await publishedDefault(HANDOFF_FLOW);
  expect((await say('shopper-2', 'b1', 'talk to a human')).body).toMatchObject({ handoff: true });
  flowId = await publishedDefault(FLOW);
  expect((await say('shopper-1', 'a1', 'hello')).status).toBe(200);
  // The turn's messages are stored just after its answer: wait for the conversation to be listed.
  for (let tries = 0; (await api.get('/v1/conversations/web:shopper-2')).status !== 200; tries++) {
    if (tries > 100) throw new Error('the handed-off conversation was never stored');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (let i = 1; i <= 20; i++) await server.app.chat.sendAgentReply(tenant.id, 'web:shopper-2', `Agent message ${i}`);
  const whatsapp = { config: { phoneNumberId: '106540352242922', accessToken: 'token', appSecret: 'secret', verifyToken: 'verify' } };
  expect((await api.call('PUT', '/v1/channels/whatsapp', whatsapp)).status).toBe(200);
  await server.app.security.createUser(tenant.id, { ...ANALYST, role: 'analyst', name: 'Ann Analyst' });
  await server.app.analytics.flush();

  browser = await launchChromium();
  desktop = await openPage(browser, 'console-pages-1280x800', { width: 1280, height: 800 });
  phone = await openPage(browser, 'console-pages-390x844', { width: 390, height: 844 });
  for (const viewer of [desktop, phone]) {
    await viewer.page.goto(`${fixture.server.url}/console`);
    await viewer.page.getByLabel('Workspace').waitFor();
    expect((await horizontalOverflow(viewer.page)).scrollWidth).toBeLessThanOrEqual(viewer.page.viewportSize()!.width);
    await viewer.shot('login');
    await login(viewer, fixture.owner);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.server.stop();
});

describe.each([
  ['1280×800', () => desktop],
  ['390×844', () => phone],
])('every page at %s', (_size, viewer) => {
  it('fits the width, shows its key parts, and is kept as a screenshot', { timeout: 120_000 }, async () => {
    const v = viewer();
    for (const page of PAGES) {
      await visit(v.page, page.path());
      const ready = page.ready(v.page);
      await ready.waitFor();
      expect(await ready.isVisible(), page.name).toBe(true);
      const overflow = await horizontalOverflow(v.page);
      expect({ page: page.name, fits: overflow.scrollWidth <= overflow.innerWidth, culprits: overflow.culprits }).toEqual({ page: page.name, fits: true, culprits: [] });
      await v.shot(page.name);
    }
    expect(v.problems).toEqual([]);
  });

  it('opens an inbox conversation at its newest message, with the reply box in view', async () => {
    const { page } = viewer();
    await visit(page, '/inbox/web%3Ashopper-2');
    const newest = page.locator('.bubble.agent', { hasText: 'Agent message 20' });
    await newest.waitFor();
    const scroll = page.getByTestId('inbox-transcript');
    expect(await scroll.evaluate((el) => el.scrollHeight > el.clientHeight && el.scrollTop + el.clientHeight >= el.scrollHeight - 2)).toBe(true);
    expect(await inViewport(page, newest)).toBe(true);
    expect(await inViewport(page, page.getByLabel('Agent reply'))).toBe(true);
  });
});

describe('console behaviours (1280×800)', () => {
  it('channels: the web chat is on, with its widget key and snippet; webhook URLs name the workspace', async () => {
    const { page } = desktop;
    await visit(page, '/settings/channels');
    const web = page.locator('[data-channel="web"]');
    await web.getByTestId('widget-key').waitFor();
    expect(await web.locator('h3 .badge').textContent()).toBe('on');
    expect(await web.getByTestId('widget-key').textContent()).toBe(fixture.tenant.widgetKey);
    expect(await web.getByTestId('widget-snippet').textContent()).toContain(`<mcp-chat widget-key="${fixture.tenant.widgetKey}"></mcp-chat>`);
    const webhook = await page.locator('[data-channel="whatsapp"]').getByTestId('webhook-url').textContent();
    expect(webhook).toBe(`${fixture.server.url}/v1/channels/${fixture.tenant.slug}/whatsapp`);
  });

  it('saves a draft with errors, refuses to publish it, and publishes once it is fixed', async () => {
    const { page } = desktop;
    await visit(page, `/flows/${flowId}`);
    await page.locator('.badge.ok', { hasText: 'Valid' }).waitFor();
    const broken = FLOW.replace('to: done\n', 'to: donex\n');
    // Jump to the transition's line (CodeMirror's "go to line") and mistype its target.
    const line = FLOW.split('\n').findIndex((l) => l.trim() === 'to: done') + 1;
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Alt+g');
    await page.keyboard.insertText(String(line));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.insertText('x');
    await page.locator('.badge.bad', { hasText: '1 error' }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved with 1 error; fix them before publishing.' }).waitFor();
    const saved = await fixture.api.get<{ source: string; errors: { path: string }[] }>(`/v1/flows/${flowId}`);
    expect(saved.body.source).toBe(broken);
    expect(saved.body.errors.map((e) => e.path)).toEqual(['states.ask.transitions[0].to']);

    await page.reload();
    await page.locator('.badge.bad', { hasText: 'saved with errors' }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await desktop.shot('draft-saved-with-errors');

    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Alt+g');
    await page.keyboard.insertText(String(line));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.locator('.badge.ok', { hasText: 'Valid' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('status').filter({ hasText: 'Published version 2.' }).waitFor();
    expect((await fixture.api.get<{ errors: unknown[] }>(`/v1/flows/${flowId}`)).body.errors).toEqual([]);
  });

  it('zooms the graph in and out, and fits it back', async () => {
    const { page } = desktop;
    const zoom = page.getByTestId('zoom');
    const width = () => page.locator('svg.flow-graph').evaluate((el) => el.getBoundingClientRect().width);
    const fitted = await zoom.textContent();
    const before = await width();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(await width()).toBeGreaterThan(before);
    expect(await zoom.textContent()).not.toBe(fitted);
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    expect(await width()).toBeLessThan(before);
    await page.getByRole('button', { name: 'Fit' }).click();
    expect(await zoom.textContent()).toBe(fitted);
    expect(await width()).toBeCloseTo(before, 0);
  });

  it('creates a flow from a dialog that checks the name as the server would', async () => {
    const { page } = desktop;
    await visit(page, '/flows');
    await page.getByRole('button', { name: 'New flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New flow' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    expect(await dialog.getByRole('alert').textContent()).toBe('Give the flow a name.');
    await dialog.getByLabel('Name').fill('console-shop');
    expect(await dialog.getByRole('alert').textContent()).toContain('already exists');
    expect(await dialog.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
    await desktop.shot('new-flow-dialog');
    // Any name the server accepts works, even one that would break the YAML if written unquoted.
    await dialog.getByLabel('Name').fill('summer sale: returns #2');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'summer sale: returns #2' }).waitFor();
    const flows = await fixture.api.get<{ flows: { name: string }[] }>('/v1/flows');
    expect(flows.body.flows.map((f) => f.name)).toContain('summer sale: returns #2');
  });

  it('names the flow in a conversation’s trace', async () => {
    const { page } = desktop;
    await visit(page, '/conversations/web%3Ashopper-1');
    const summary = page.locator('.turn-trace summary').first();
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^Turn \d+ · console-shop v1$/);
  });

  it('analytics: days without turns are gaps in the latency chart; drop-off bars are shares of each state’s entries', async () => {
    const { page } = desktop;
    await visit(page, '/analytics');
    const latency = page.getByRole('figure').filter({ hasText: 'Reply latency' });
    await latency.locator('circle').first().waitFor();
    // Seven days are drawn; only today had turns: one point per series, no line down to 0 ms.
    expect(await latency.locator('[data-series="p50"] circle').count()).toBe(1);
    expect(await latency.locator('[data-series="p50"] polyline').count()).toBe(1);
    const query = new URLSearchParams({ from: new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00.000Z', to: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) + 'T00:00:00.000Z' });
    const funnel = await fixture.api.get<{ states: { state: string; entered: number; droppedOff: number }[] }>(`/v1/analytics/funnel?${query.toString()}`);
    const rows = page.locator('.bar-row');
    const drawn = await page.getByRole('figure').filter({ hasText: 'Where conversations stop' }).locator('.bar-row').evaluateAll((els) =>
      els.map((el) => ({ state: el.querySelector('.label')?.textContent, width: el.querySelector('.bar i')?.getAttribute('style')?.match(/width:\s*([^;]+)/)?.[1] })),
    );
    expect(await rows.count()).toBeGreaterThan(0);
    expect(drawn).toEqual(funnel.body.states.map((s) => ({ state: s.state, width: `${s.entered ? (s.droppedOff / s.entered) * 100 : 0}%` })));
    await desktop.shot('analytics-gaps');
  });

  it('creates an API key limited to chosen permissions, expiring in 30 days', async () => {
    const { page } = desktop;
    await visit(page, '/settings/api-keys');
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Key name').fill('reporting');
    await form.getByLabel('Expires').selectOption({ label: 'In 30 days' });
    await form.getByLabel(/Limit the key/).check();
    await form.getByRole('button', { name: 'Create key' }).click();
    expect(await form.getByRole('alert').textContent()).toContain('Choose at least one permission');
    await form.getByRole('checkbox', { name: 'analytics:read' }).check();
    await form.getByRole('checkbox', { name: 'flows:read' }).check();
    await form.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('status').locator('code.secret').waitFor();
    await desktop.shot('api-key-scoped');
    const keys = await fixture.api.get<{ apiKeys: { name: string; scopes: string[]; expiresAt: string | null }[] }>('/v1/api-keys');
    const key = keys.body.apiKeys.find((k) => k.name === 'reporting')!;
    expect([...key.scopes].sort()).toEqual(['analytics:read', 'flows:read']);
    const days = (Date.parse(key.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it('models: adds a provider (its key never shown again) and routes a task to it', async () => {
    const { page } = desktop;
    await visit(page, '/settings/models');
    const add = page.getByRole('form', { name: 'Add a provider' });
    await add.getByLabel('Provider name').fill('Open AI');
    expect(await add.getByRole('alert').textContent()).toContain('lowercase');
    await add.getByLabel('Provider name').fill('openai');
    await add.getByLabel('API key').fill('sk-test-abcdefghijkl7890');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('status').filter({ hasText: 'Added openai.' }).waitFor();
    expect(await page.getByRole('table', { name: 'Providers' }).textContent()).toContain('set (…7890)');
    expect(await page.content()).not.toContain('sk-test-abcdefghijkl7890');

    const routing = page.getByRole('form', { name: 'Routing' });
    await routing.getByLabel('Models for generate').fill('gpt-4o-mini');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    expect(await routing.getByRole('alert').textContent()).toContain('is not provider/model');
    await routing.getByLabel('Models for generate').fill('openai/gpt-4o-mini');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await page.getByRole('status').filter({ hasText: 'Routing saved.' }).waitFor();
    await desktop.shot('models-saved');
    const settings = await fixture.api.get<{ routing: { tasks: Record<string, unknown> }; providers: Record<string, { hasApiKey: boolean }> }>('/v1/models/settings');
    expect(settings.body.routing.tasks.generate).toEqual([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    expect(settings.body.providers.openai).toMatchObject({ hasApiKey: true });
    expect(desktop.problems).toEqual([]);
  });

  it('shows an analyst only what the role can use: no "try it", no editing, no settings', async () => {
    const analyst = await openPage(browser, 'console-pages-analyst', { width: 1280, height: 800 });
    try {
      await login(analyst, ANALYST);
      const sections = await analyst.page.locator('nav.sidebar a').allTextContents();
      expect(sections).toEqual(expect.arrayContaining(['Flows', 'Conversations', 'Analytics']));
      expect(sections).not.toContain('Settings');
      expect(sections).not.toContain('Agent inbox');
      await visit(analyst.page, `/flows/${flowId}`);
      await analyst.page.locator('.flow-graph').waitFor();
      expect(await analyst.page.getByRole('tab').allTextContents()).toEqual(['Graph', expect.stringMatching(/^Versions/)]);
      for (const name of ['Save draft', 'Publish', 'Make default']) expect(await analyst.page.getByRole('button', { name }).count()).toBe(0);
      await visit(analyst.page, '/flows');
      await analyst.page.getByRole('link', { name: 'console-shop' }).waitFor();
      expect(await analyst.page.getByRole('button', { name: 'New flow' }).count()).toBe(0);
      await visit(analyst.page, '/conversations/web%3Ashopper-1');
      await analyst.page.locator('.transcript').waitFor();
      expect(await analyst.page.getByRole('button', { name: 'Reset' }).count()).toBe(0);
      // The channel filter lists the server's channel kinds, which a conversation reader may see.
      const channel = analyst.page.getByLabel('Channel');
      await channel.locator('option[value="whatsapp"]').waitFor({ state: 'attached' });
      expect(await channel.locator('option').allTextContents()).toEqual(['any channel', 'web', 'whatsapp', 'messenger', 'slack', 'voice', 'api']);
      await analyst.shot('analyst-conversation');
      expect(analyst.problems).toEqual([]);
    } finally {
      await analyst.page.context().close();
    }
  });
});
