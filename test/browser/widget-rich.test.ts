import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { createTenant } from '../support/tenants.js';
import { ARTIFACTS, buildWidget, inboundTexts, launchChromium, storedState } from './widget-harness.js';

/** A bot whose replies carry an image, cards with postback and link buttons, and a list. */
const RICH_BOT = {
  name: 'rich-widget',
  start: 'menu',
  states: {
    menu: {
      type: 'intent',
      say: 'Our pizzas today:',
      media: { type: 'image', url: 'https://cdn.example.com/menu.png', caption: 'Fresh from the oven' },
      cards: [
        { title: 'Margherita', subtitle: '9 €', buttons: [{ title: 'Order Margherita', payload: 'order_m' }, { title: 'Recipe', url: 'https://example.com/margherita' }] },
        { title: 'Diavola', subtitle: '11 €', buttons: [{ title: 'Order Diavola', payload: 'order_d' }] },
      ],
      transitions: [{ when: 'payload == "order_m" || payload == "order_d"', to: 'size' }],
    },
    size: {
      type: 'intent',
      say: 'Which size?',
      list: { button: 'Sizes', sections: [{ rows: [{ title: 'Small', payload: 'size_s' }, { title: 'Large', payload: 'size_l' }] }] },
      transitions: [{ when: 'payload == "size_l"', to: 'done' }],
    },
    done: { type: 'end', say: 'A large {{ vars.none | default: "pizza" }} is on its way.' },
  },
};

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

describe('rich replies in the chat widget (Chromium)', () => {
  it('shows the image, the cards (a card’s button sends its payload, links open the page) and a list as choices', async () => {
    const tenant = await createTenant(server.app, 'rich');
    const api = client(server.url, tenant.apiKey);
    const flow = await api.post<{ id: string }>('/v1/flows', RICH_BOT);
    expect(flow.status).toBe(201);
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);

    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    // The image host does not exist: answer it here, so the page never leaves the machine.
    await page.route('https://cdn.example.com/**', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>' }));
    await page.goto(`${server.url}/widget/demo?key=${tenant.widgetKey}`);
    await page.getByRole('button', { name: /support|chat/i }).first().click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('hello');
    await input.press('Enter');
    const log = page.getByRole('log');
    await log.getByText('Our pizzas today:').waitFor();

    expect(await log.getByRole('img', { name: 'Fresh from the oven' }).getAttribute('src')).toBe('https://cdn.example.com/menu.png');
    const cards = log.getByRole('article');
    expect(await cards.count()).toBe(2);
    expect(await cards.first().getByRole('heading').textContent()).toBe('Margherita');
    const recipe = cards.first().getByRole('link', { name: 'Recipe' });
    expect(await recipe.getAttribute('href')).toBe('https://example.com/margherita');
    expect(await recipe.getAttribute('rel')).toBe('noopener noreferrer');
    await page.screenshot({ path: `${ARTIFACTS}/rich-cards.png` });

    await cards.nth(1).getByRole('button', { name: 'Order Diavola' }).click();
    await log.getByText('Which size?').waitFor();
    // The cards are history now: their buttons are off; the list's rows are the choices.
    expect(await cards.first().getByRole('button', { name: 'Order Margherita' }).isDisabled()).toBe(true);
    await log.getByRole('button', { name: 'Large' }).click();
    await log.getByText('A large pizza is on its way.').waitFor();

    const { conversation } = await storedState(page, tenant.widgetKey);
    expect(await inboundTexts(server, tenant, conversation)).toEqual(['hello', null, null]);
    const history = await api.get<{ messages: { direction: string; payload: string | null }[] }>(`/v1/conversations/web:${conversation}/messages`);
    expect(history.body.messages.filter((m) => m.direction === 'inbound').map((m) => m.payload)).toEqual([null, 'order_d', 'size_l']);
    await page.close();
  });
});
