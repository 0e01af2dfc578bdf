import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { ARTIFACTS, buildWidget, drawnTranscript, focusedInWidget, inboundTexts, launchChromium, storedState, tenantWithDemoBot } from './widget-harness.js';

let server: TestApp;
let browser: Browser;

beforeAll(async () => {
  buildWidget();
  server = await startApp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('chat widget in Chromium', () => {
  it('holds a conversation across a reload, driven by the keyboard', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage({ viewport: { width: 900, height: 720 } });
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);

    // Keyboard only: the launcher is a real button; opening moves focus to the labelled input.
    const launcher = page.getByRole('button', { name: 'Example Shop support' });
    await launcher.press('Enter');
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.waitFor();
    expect(await focusedInWidget(page)).toBe('input');
    await page.keyboard.type('hello');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log');
    await log.getByText('Hi there! I can track or cancel an order.').waitFor();

    // The quick replies are buttons just before the input: Shift+Tab reaches them, Enter sends one.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedInWidget(page)).toBe('Cancel an order');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await log.getByText('What is your order number?').waitFor();
    expect(await focusedInWidget(page)).toBe('input');
    await page.screenshot({ path: `${ARTIFACTS}/1-before-reload.png` });

    await page.reload();
    await log.getByText('What is your order number?').waitFor(); // redrawn from localStorage, nothing resent
    const before = ['user: hello', 'bot: Hi there! I can track or cancel an order.', 'user: Track an order', 'bot: What is your order number?'];
    expect(await drawnTranscript(page)).toEqual(before);
    await input.press('Tab'); // the panel stayed open; focus it as a keyboard user would
    await input.fill('12345');
    await input.press('Enter');
    // The server kept the slot-filling state of the same conversation: the number completes the order lookup.
    await log.getByText('Order 12345 is on its way. Anything else?').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/2-after-reload.png` });
    expect(await drawnTranscript(page)).toEqual([...before, 'user: 12345', 'bot: Order 12345 is on its way. Anything else?']);

    const { conversation, outbox } = await storedState(page, tenant.widgetKey);
    expect(outbox).toEqual([]);
    expect(await inboundTexts(server, tenant, conversation)).toEqual(['hello', null, '12345']);

    // Escape closes the panel and gives focus back to the launcher.
    await input.press('Escape');
    expect(await focusedInWidget(page)).toBe('Example Shop support');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  it('resends a message whose answer was lost with the socket, and the server runs it once', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage();
    let connections = 0;
    // The first socket loses the reply in transit (after the ack): the widget must reconnect and resend.
    await page.routeWebSocket(/\/v1\/webchat/, (ws) => {
      const first = ++connections === 1;
      const upstream = ws.connectToServer();
      ws.onMessage((message) => upstream.send(message));
      upstream.onMessage((message) => {
        if (first && String(message).includes('"reply"')) return void ws.close({ code: 1012, reason: 'restart' });
        ws.send(message);
      });
    });
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);
    await page.getByRole('button', { name: 'Example Shop support' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('where is my order');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.getByRole('log').getByText('What is your order number?').waitFor();

    expect(connections).toBeGreaterThanOrEqual(2);
    expect(await drawnTranscript(page)).toEqual(['user: where is my order', 'bot: Hi there! I can track or cancel an order.', 'bot: What is your order number?']);
    const { conversation } = await storedState(page, tenant.widgetKey);
    expect(await inboundTexts(server, tenant, conversation)).toEqual(['where is my order']);
    await page.close();
  });

  it('keeps an unsent message across a reload and sends it when the page comes back', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage();
    let blocking = true;
    // While `blocking`, the socket opens but nothing reaches the server, as on a dead network path.
    await page.routeWebSocket(/\/v1\/webchat/, (ws) => {
      if (blocking) return ws.onMessage(() => undefined);
      ws.connectToServer();
    });
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);
    await page.getByRole('button', { name: 'Example Shop support' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('track my package');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.locator('mcp-chat .msg.user.pending').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/3-unsent.png` });
    expect((await storedState(page, tenant.widgetKey)).outbox).toHaveLength(1);

    blocking = false;
    await page.reload();
    await page.getByRole('log').getByText('What is your order number?').waitFor();
    expect(await drawnTranscript(page)).toEqual(['user: track my package', 'bot: Hi there! I can track or cancel an order.', 'bot: What is your order number?']);
    expect((await storedState(page, tenant.widgetKey)).outbox).toEqual([]);
    await page.close();
  });

  it('is the full-page chat at /, inline and open from the start', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(`${server.url}/?key=${tenant.widgetKey}`);
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('where is my order');
    await input.press('Enter');
    await page.getByRole('log').getByText('What is your order number?').waitFor();
    expect(await page.getByRole('button', { name: 'Chat with the demo bot' }).isHidden()).toBe(true); // no launcher
    await page.screenshot({ path: `${ARTIFACTS}/6-full-page.png` });
    await page.close();
  });

  it('shows what a person writes after a handoff', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage();
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);
    await page.getByRole('button', { name: 'Example Shop support' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('talk to a human');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.getByRole('log').getByText('Connecting you to a person.').waitFor();
    // Not "Online" as if the bot were answering: the conversation waits for a person.
    await page.getByRole('status').getByText('Waiting for a person…').waitFor();

    const { conversation } = await storedState(page, tenant.widgetKey);
    await server.app.chat.sendAgentReply(tenant.id, `web:${conversation}`, 'Hi, Sam here. How can I help?');
    await page.getByRole('log').getByText('Hi, Sam here. How can I help?').waitFor(); // the widget polls the history while handed off
    expect((await drawnTranscript(page)).at(-1)).toBe('agent: Hi, Sam here. How can I help?');
    await page.getByRole('status').getByText('A person is answering').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/7-agent-reply.png` });
    await page.close();
  });
  it('restored after a reload, open or opened later, shows the newest message', async () => {
    const tenant = await tenantWithDemoBot(server);
    const page = await browser.newPage({ viewport: { width: 900, height: 720 } });
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);
    // A long earlier conversation, as the widget itself keeps it in localStorage.
    const transcript = Array.from({ length: 40 }, (_, i) => ({ id: `m${i}`, from: i % 2 ? 'bot' : 'user', text: `line ${i}` }));
    const restore = (open: boolean) =>
      page.evaluate(`localStorage.setItem(${JSON.stringify(`mcp-chat:${tenant.widgetKey}`)}, ${JSON.stringify(JSON.stringify({ v: 1, conversation: 'restored-1', outbox: [], transcript, handoff: false, open }))})`);
    const atBottom = () =>
      page.evaluate(`(() => { const log = document.querySelector('mcp-chat').shadowRoot.querySelector('.log'); return log.scrollHeight > log.clientHeight && log.scrollTop + log.clientHeight >= log.scrollHeight - 2; })()`);

    await restore(true);
    await page.reload();
    await page.getByRole('log').getByText('line 39').waitFor();
    expect(await atBottom()).toBe(true);
    expect(await page.getByRole('log').getByText('line 39').isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/8-restored-open.png` });

    await restore(false);
    await page.reload();
    await page.getByRole('button', { name: 'Example Shop support' }).click();
    await page.getByRole('log').getByText('line 39').waitFor();
    expect(await atBottom()).toBe(true);
    await page.close();
  });
});
