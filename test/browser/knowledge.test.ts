import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/browser.js';
import { type ConsoleFixture, startConsoleFixture } from './support/console-app.js';

const FAQ = `# Returns

Items can be returned within 30 days. Refunds reach the original payment method within 5 business days.

# Opening hours

The shop opens at 9 am and closes at 6 pm, Monday to Saturday.`;

/** The knowledge page as a bot builder uses it: upload a document, then see what a question retrieves. */
describe('Knowledge page in Chromium', { timeout: 60_000 }, () => {
  let fixture: ConsoleFixture;
  let browser: Browser;
  let page: Page;
  let shot: (name: string) => Promise<string>;
  let problems: string[];

  beforeAll(async () => {
    fixture = await startConsoleFixture();
    browser = await launchChromium();
    ({ page, shot, problems } = await openPage(browser, 'knowledge'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.server.stop();
  });

  it('uploads a Markdown file, lists it, and answers a question with the passage, its source and the ranked chunks', async () => {
    await page.goto(`${fixture.server.url}/console`);
    await page.getByLabel('Workspace').fill(fixture.tenant.slug);
    await page.getByLabel('E-mail').fill(fixture.owner.email);
    await page.getByLabel('Password').fill(fixture.owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByText('No documents yet').waitFor();

    await page.getByLabel('Upload a document').setInputFiles({ name: 'faq.md', mimeType: 'text/markdown', buffer: Buffer.from(FAQ) });
    await page.getByRole('cell', { name: 'faq.md' }).waitFor();
    expect(await page.getByRole('row', { name: /faq\.md/ }).textContent()).toContain('markdown');

    await page.getByLabel('Question').fill('When does the shop open?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const answer = page.getByLabel('Answer');
    await answer.getByText('best passage (no model)').waitFor();
    expect(await answer.textContent()).toContain('The shop opens at 9 am and closes at 6 pm, Monday to Saturday.');
    expect(await answer.textContent()).toContain('Cited: faq.md (chunk 1)');
    await shot('knowledge');
    expect(problems).toEqual([]);
  });
});
