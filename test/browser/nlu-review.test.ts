import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/browser.js';
import { type ConsoleFixture, startConsoleFixture } from './support/console-app.js';
import { dialogflowZip } from '../support/dialogflow-zip.js';

const BANKING = {
  name: 'banking',
  intents: {
    balance: ['what is my balance', 'how much money do I have', 'show my account balance', 'balance please', 'check my balance'],
    transfer: ['send money to a friend', 'transfer 50 dollars', 'wire money to my sister', 'make a transfer', 'move money to savings'],
    card_lost: ['I lost my card', 'my card was stolen', 'block my card', 'card is missing', 'someone took my credit card'],
  },
};

const FLOW = `
name: bank-bot
start: ask
nlu: { trainingData: banking }
states:
  ask:
    type: intent
    transitions:
      - when: intent == "balance"
        to: answer
    fallback: { say: "Sorry?", max: 5, then: done }
  answer: { type: response, say: "Fine.", next: ask }
  done: { type: end }
`;

/** The review loop as a bot builder uses it: an unsure message from a real conversation becomes an example in one click. */
describe('NLU review in Chromium', { timeout: 60_000 }, () => {
  let fixture: ConsoleFixture;
  let browser: Browser;
  let page: Page;
  let shot: (name: string) => Promise<string>;
  let problems: string[];

  beforeAll(async () => {
    fixture = await startConsoleFixture();
    const { api } = fixture;
    expect((await api.post('/v1/nlu/training-data', BANKING)).status).toBe(201);
    const flow = await api.post<{ id: string }>('/v1/flows', FLOW);
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    await api.post('/v1/conversations/shopper/messages', { text: 'my plastic got eaten by the machine' });
    browser = await launchChromium();
    ({ page, shot, problems } = await openPage(browser, 'nlu-review'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.server.stop();
  });

  it('adds a fallback message to an intent in one click, retrains, and shows the accuracy before and after', async () => {
    await page.goto(`${fixture.server.url}/console`);
    await page.getByLabel('Workspace').fill(fixture.tenant.slug);
    await page.getByLabel('E-mail').fill(fixture.owner.email);
    await page.getByLabel('Password').fill(fixture.owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'NLU data' }).click();
    await page.getByRole('link', { name: 'banking' }).click();

    const row = page.getByRole('row', { name: /my plastic got eaten by the machine/ });
    await row.waitFor();
    await page.getByRole('button', { name: 'Retrain and evaluate' }).click();
    await page.getByTestId('accuracy-after').waitFor();
    expect(await page.getByTestId('accuracy').textContent()).toMatch(/revision 1/);
    await shot('nlu-review-before');

    await row.getByRole('combobox').selectOption('card_lost');
    await row.getByRole('button', { name: 'Add as example' }).click();
    await page.getByRole('status').filter({ hasText: 'is now an example of card_lost (revision 2)' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByText('Revision 2 has changes since the last evaluation').waitFor();

    await page.getByRole('button', { name: 'Retrain and evaluate' }).click();
    await page.getByTestId('accuracy-before').waitFor();
    expect(await page.getByTestId('accuracy').textContent()).toMatch(/Before: .+ \(revision 1\) → after: .+ \(revision 2,/);
    await shot('nlu-review-after');

    const stored = await fixture.api.get<{ document: { intents: Record<string, string[]> } }>('/v1/nlu/training-data/banking');
    expect(stored.body.document.intents.card_lost).toContain('my plastic got eaten by the machine');
    expect(problems).toEqual([]);
  });

  it('imports a Rasa nlu.yml and a Dialogflow export from files, and says what was skipped', async () => {
    await page.getByRole('link', { name: 'NLU training data' }).click();
    const form = page.getByRole('form', { name: 'Import training data' });
    await form.getByLabel('Name').fill('travel');
    await form.getByLabel('File').setInputFiles(fileURLToPath(new URL('../fixtures/nlu/rasa-nlu.yml', import.meta.url)));
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('status').filter({ hasText: "synonym 'nobody_uses_this'" }).waitFor();
    await page.getByRole('link', { name: 'travel' }).waitFor();

    const zip = join(mkdtempSync(join(tmpdir(), 'nlu-import-')), 'PizzaAgent.zip');
    writeFileSync(zip, dialogflowZip());
    await form.getByLabel('Name').fill('pizza');
    await form.getByLabel('Format').selectOption('dialogflow');
    await form.getByLabel('File').setInputFiles(zip);
    await form.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('link', { name: 'pizza' }).waitFor();
    await shot('nlu-imported');
    const pizza = await fixture.api.get<{ document: { intents: Record<string, string[]> } }>('/v1/nlu/training-data/pizza');
    expect(pizza.body.document.intents['order.pizza']).toHaveLength(3);
    rmSync(dirname(zip), { recursive: true, force: true });
    expect(problems).toEqual([]);
  });
});
