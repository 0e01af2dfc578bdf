import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../src/console/ensure-built.js';
import { startFakeIdp, type FakeIdp } from '../fakes/oidc-idp.js';
import { uniqueSuffix } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { createTenant, type TestTenant } from '../support/tenants.js';
import { launchChromium, openPage } from './support/browser.js';

/**
 * "Sign in with SSO" in real Chromium: the console's button, the provider's login page (a real
 * OpenID provider on loopback), the way back, and the signed-in console; screenshots in
 * test-artifacts/console-sso/.
 */
describe('console SSO sign-in in Chromium', { timeout: 60_000 }, () => {
  let idp: FakeIdp;
  let server: TestApp;
  let base: string;
  let tenant: TestTenant;
  let browser: Browser;
  const email = `sso-${uniqueSuffix()}@example.com`;

  beforeAll(async () => {
    await ensureConsoleBuilt(() => undefined);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startFakeIdp([{ client_id: 'mcp-console', client_secret: 'console-secret-of-the-test-idp', redirect_uris: [`${base}/v1/auth/oidc/callback`] }]);
    server = await startApp({
      env: { PORT: String(port), PUBLIC_URL: base, MCP_OIDC_ISSUER: idp.issuer, MCP_OIDC_CLIENT_ID: 'mcp-console', MCP_OIDC_CLIENT_SECRET: 'console-secret-of-the-test-idp' },
    });
    tenant = await createTenant(server.app, 'sso');
    await server.app.security.createUser(tenant.id, { email, password: 'correct horse battery', role: 'editor', name: 'Sam Single' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
  });

  it('signs a member in through the identity provider and opens the console', async () => {
    const { page, shot, problems } = await openPage(browser, 'console-sso');
    await page.goto(`${base}/console`);
    await page.getByLabel('Workspace').fill(tenant.slug);
    const button = page.getByRole('button', { name: 'Sign in with SSO' });
    await button.waitFor();
    await shot('login-with-sso');
    await button.click();

    await page.getByRole('heading', { name: 'Fake identity provider' }).waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.getByLabel('E-mail').fill(email);
    await shot('identity-provider');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await page.getByText('Sam Single').waitFor();
    // The one-time code was taken out of the address bar.
    expect(page.url()).not.toContain('#sso=');
    await shot('signed-in');
    expect(problems).toEqual([]);

    // A reload keeps the session (the tab's refresh token), as after a password login.
    await page.reload();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
  });

  it('shows someone who is not a member why they cannot get in, with the way back', async () => {
    const { page, shot } = await openPage(browser, 'console-sso-refused');
    await page.goto(`${base}/console`);
    await page.getByLabel('Workspace').fill(tenant.slug);
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    const stranger = `stranger-${uniqueSuffix()}@example.com`;
    await page.getByLabel('E-mail').fill(stranger);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain(`${stranger} is not a member of the workspace '${tenant.slug}'`);
    await shot('refused');
    await page.getByRole('link', { name: 'Back to the sign-in page' }).click();
    await page.getByRole('button', { name: 'Sign in with SSO' }).waitFor();
  });

  it('asks for the workspace before going to the provider', async () => {
    const { page } = await openPage(browser, 'console-sso-no-workspace');
    await page.goto(`${base}/console`);
    await page.getByLabel('Workspace').fill('');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Enter your workspace first');
    expect(new URL(page.url()).origin).toBe(base);
  });
});
