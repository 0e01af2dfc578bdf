import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt), never a downloaded browser; CHROMIUM_PATH points elsewhere if needed. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A page that records what went wrong in it (uncaught errors, console errors) so a test can
 * print them when it fails, and that saves numbered screenshots under test-artifacts/<suite>/.
 */
export async function openPage(
  browser: Browser,
  suite: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ page: Page; shot: (name: string) => Promise<string>; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs every failed request (a refused login is one); the console shows those itself.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
  });
  // A page that calls what the role may not do shows a refusal: the console should have hidden it.
  page.on('response', (response) => {
    if (response.status() === 403) problems.push(`forbidden: ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  const dir = join(ARTIFACTS, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    page,
    problems,
    async shot(name: string) {
      n += 1;
      const path = join(dir, `${String(n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
  };
}
