import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeIdp, type FakeIdp } from './fakes/oidc-idp.js';
import { manualClock } from './support/clock.js';
import { cookieBrowser, type CookieBrowser, type Hop } from './support/cookie-browser.js';
import { uniqueSuffix } from './support/env.js';
import { freePort } from './support/free-port.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';
import { ROLE_PERMISSIONS, type Principal } from '../src/modules/security/index.js';

interface SsoApp {
  server: TestApp;
  base: string;
  clock: ReturnType<typeof manualClock>;
}

const CLIENT = { client_id: 'mcp-console', client_secret: 'console-secret-of-the-test-idp' };

/** An engine on a port known in advance (the provider must know its callback), pointed at `issuer`. */
async function startSsoApp(issuer: string, env: Record<string, string>, port: number): Promise<SsoApp> {
  const clock = manualClock();
  const base = `http://127.0.0.1:${port}`;
  const server = await startApp({
    clock,
    env: { PORT: String(port), PUBLIC_URL: base, MCP_OIDC_ISSUER: issuer, MCP_OIDC_CLIENT_ID: CLIENT.client_id, MCP_OIDC_CLIENT_SECRET: CLIENT.client_secret, ...env },
  });
  return { server, base, clock };
}

const callbackOf = (base: string) => `${base}/v1/auth/oidc/callback`;
const isCallback = (base: string) => (next: string) => next.startsWith(callbackOf(base));
const handoffOf = (hop: Hop) => decodeURIComponent(new URL(hop.location ?? 'http://x/').hash.replace(/^#sso=/, ''));

/** The browser's way to the provider's login page, and the URL it posts the e-mail to. */
async function toProvider(browser: CookieBrowser, base: string, workspace: string): Promise<string> {
  const page = await browser.follow(`${base}/v1/auth/oidc/login?workspace=${workspace}`);
  expect(page.status, page.text).toBe(200);
  return new URL(/action="([^"]+\/login)"/.exec(page.text)![1]!, page.url).href;
}

/** Signs in at the provider as `email` and comes back: the last hop is the engine's callback answer. */
async function signIn(browser: CookieBrowser, base: string, workspace: string, email: string): Promise<Hop> {
  const loginUrl = await toProvider(browser, base, workspace);
  const atCallback = await browser.follow(loginUrl, { form: { email } }, isCallback(base));
  return browser.request(atCallback.location!);
}

describe('SSO for the console (OpenID Connect)', () => {
  let idp: FakeIdp;
  let app: SsoApp;
  let tenantA: TestTenant;
  let tenantB: TestTenant;
  const provisioning = `prov-${uniqueSuffix()}`;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startFakeIdp([{ ...CLIENT, redirect_uris: [`http://127.0.0.1:${port}/v1/auth/oidc/callback`] }]);
    app = await startSsoApp(idp.issuer, { MCP_OIDC_ALLOWED_DOMAINS: 'example.com', MCP_OIDC_DEFAULT_ROLE: 'agent', MCP_OIDC_PROVISION_WORKSPACES: provisioning }, port);
    tenantA = await createTenant(app.server.app, 'ssoa');
    tenantB = await createTenant(app.server.app, 'ssob');
  });

  afterAll(async () => {
    await app?.server.stop();
    await idp?.close();
  });

  const member = (tenant: TestTenant, role: 'owner' | 'editor' = 'editor') => {
    const email = `m-${uniqueSuffix()}@example.com`;
    return app.server.app.security.createUser(tenant.id, { email, password: 'correct horse battery', role }).then((user) => ({ email, user }));
  };

  const ownerOf = async (tenant: TestTenant): Promise<Principal> => {
    const { user } = await member(tenant, 'owner');
    return { kind: 'user', tenantId: tenant.id, userId: user.id, role: 'owner', permissions: ROLE_PERMISSIONS.owner };
  };

  it('tells the console that SSO is on, without credentials', async () => {
    const methods = await client(app.base).get('/v1/auth/methods');
    expect(methods.status).toBe(200);
    expect(methods.body).toEqual({ password: true, sso: true });
  });

  it('signs a member in with the authorization code flow (PKCE, state, nonce) and hands the console a session', async () => {
    const { email, user } = await member(tenantA);
    const browser = cookieBrowser();
    const back = await signIn(browser, app.base, tenantA.slug, email);
    expect(back.status).toBe(303);
    expect(back.location).toBe(`${app.base}/console/#sso=${encodeURIComponent(handoffOf(back))}`);

    const asked = idp.authorizationRequests.at(-1)!;
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(asked.get('state')).toBeTruthy();
    expect(asked.get('nonce')).toBeTruthy();
    expect(asked.get('redirect_uri')).toBe(callbackOf(app.base));

    const session = await browser.request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } });
    expect(session.status, session.text).toBe(200);
    const body = JSON.parse(session.text) as { accessToken: string; refreshToken: string; user: { id: string; email: string; tenantId: string } };
    expect(body.user).toMatchObject({ id: user.id, email, tenantId: tenantA.id });
    const me = await client(app.base, body.accessToken).get('/v1/auth/me');
    expect(me.body).toMatchObject({ kind: 'user', tenantId: tenantA.id, role: 'editor' });
    // The same refresh rotation as a password login's session.
    expect((await client(app.base).post('/v1/auth/refresh', { refreshToken: body.refreshToken })).status).toBe(200);

    const audit = await app.server.app.security.listAudit(tenantA.id, { action: 'auth.login', limit: 10 });
    expect(audit.find((entry) => entry.target === user.id)).toMatchObject({ actorType: 'user', actorId: user.id, details: { method: 'sso' } });
  });

  it('lets each step work once: the callback and the one-time code cannot be replayed', async () => {
    const { email } = await member(tenantA);
    const browser = cookieBrowser('application/json');
    const loginUrl = await toProvider(browser, app.base, tenantA.slug);
    const atCallback = await browser.follow(loginUrl, { form: { email } }, isCallback(app.base));
    const back = await browser.request(atCallback.location!);
    expect(back.status).toBe(303);

    const again = await browser.request(atCallback.location!);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.text).error.message).toMatch(/already used/);

    expect((await browser.request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } })).status).toBe(200);
    const twice = await browser.request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } });
    expect(twice.status).toBe(401);
    expect(JSON.parse(twice.text).error.message).toMatch(/already used or has expired/);
  });

  it('refuses a one-time code presented by another browser (no flow cookie)', async () => {
    const { email } = await member(tenantA);
    const back = await signIn(cookieBrowser(), app.base, tenantA.slug, email);
    const stranger = await cookieBrowser().request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } });
    expect(stranger.status).toBe(401);
  });

  it('refuses someone who is not a member (auto-provisioning off there) with a 403 page they understand, and audits it', async () => {
    const email = `stranger-${uniqueSuffix()}@example.com`;
    const back = await signIn(cookieBrowser(), app.base, tenantA.slug, email);
    expect(back.status).toBe(403);
    expect(back.contentType).toMatch(/text\/html/);
    expect(back.text).toContain(`${email} is not a member of the workspace &#39;${tenantA.slug}&#39;`);
    expect(back.text).toContain('href="/console/"');
    const refused = await app.server.app.security.listAudit(tenantA.id, { action: 'auth.sso_refused', limit: 10 });
    expect(refused.find((entry) => entry.details?.email === email)).toBeTruthy();
  });

  it('answers API clients with the JSON error instead of a page', async () => {
    const back = await signIn(cookieBrowser('application/json'), app.base, tenantA.slug, `x-${uniqueSuffix()}@example.com`);
    expect(back.status).toBe(403);
    expect(JSON.parse(back.text)).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/not a member/) } });
  });

  it('keeps tenants apart: a member of workspace A signing in to workspace B is refused', async () => {
    const { email } = await member(tenantA);
    const back = await signIn(cookieBrowser('application/json'), app.base, tenantB.slug, email);
    expect(back.status).toBe(403);
    expect(JSON.parse(back.text).error.message).toContain(`not a member of the workspace '${tenantB.slug}'`);
    expect((await app.server.app.security.listUsers(tenantB.id)).some((u) => u.email === email)).toBe(false);
  });

  it('refuses an unknown workspace the same way, without saying whether it exists', async () => {
    const back = await signIn(cookieBrowser('application/json'), app.base, `nope-${uniqueSuffix()}`, `y-${uniqueSuffix()}@example.com`);
    expect(back.status).toBe(403);
  });

  it('adds unknown people with the default role in a provisioning workspace, and audits it', async () => {
    const tenant = await app.server.app.security.createTenant({ slug: provisioning, name: 'Provisioning' });
    const email = `new-${uniqueSuffix()}@Example.com`;
    const browser = cookieBrowser();
    const back = await signIn(browser, app.base, provisioning, email);
    expect(back.status).toBe(303);
    const session = JSON.parse((await browser.request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } })).text);
    expect(session.user).toMatchObject({ email: email.toLowerCase(), role: 'agent', status: 'active', tenantId: tenant.id });
    const provisioned = await app.server.app.security.listAudit(tenant.id, { action: 'user.provisioned', limit: 10 });
    expect(provisioned[0]).toMatchObject({ target: session.user.id, details: { role: 'agent', via: 'sso' } });
  });

  it('activates an invited person who signs in with SSO', async () => {
    const email = `invited-${uniqueSuffix()}@example.com`;
    await app.server.app.security.inviteUser(tenantA.id, { email, role: 'analyst' }, await ownerOf(tenantA));
    const browser = cookieBrowser();
    const back = await signIn(browser, app.base, tenantA.slug, email);
    const session = JSON.parse((await browser.request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: handoffOf(back) } })).text);
    expect(session.user).toMatchObject({ email, role: 'analyst', status: 'active' });
  });

  it('refuses a disabled member, an address outside the allowed domains and an unverified address', async () => {
    const disabled = await member(tenantA);
    await app.server.app.security.updateUser(tenantA.id, disabled.user.id, { status: 'disabled' }, await ownerOf(tenantA));
    const one = await signIn(cookieBrowser('application/json'), app.base, tenantA.slug, disabled.email);
    expect([one.status, JSON.parse(one.text).error.message]).toEqual([403, expect.stringMatching(/is disabled/)]);

    const two = await signIn(cookieBrowser('application/json'), app.base, provisioning, `z-${uniqueSuffix()}@elsewhere.test`);
    expect([two.status, JSON.parse(two.text).error.message]).toEqual([403, expect.stringMatching(/elsewhere\.test may not sign in/)]);

    const unverified = `u-${uniqueSuffix()}@example.com`;
    idp.accounts.set(unverified, { emailVerified: false });
    const three = await signIn(cookieBrowser('application/json'), app.base, provisioning, unverified);
    expect([three.status, JSON.parse(three.text).error.message]).toEqual([403, expect.stringMatching(/has not verified/)]);
  });

  it('answers the provider’s error (the person cancelled) clearly', async () => {
    const browser = cookieBrowser('application/json');
    const loginUrl = await toProvider(browser, app.base, tenantA.slug);
    const atCallback = await browser.follow(loginUrl.replace(/\/login$/, '/abort'), { form: {} }, isCallback(app.base));
    expect(new URL(atCallback.location!).searchParams.get('error')).toBe('access_denied');
    const back = await browser.request(atCallback.location!);
    expect(back.status).toBe(403);
    expect(JSON.parse(back.text).error.message).toMatch(/did not sign you in \(access_denied: The person cancelled/);
  });

  it('refuses a callback whose state does not match, or that has no flow in this browser, or that came too late', async () => {
    const { email } = await member(tenantA);
    const browser = cookieBrowser('application/json');
    const loginUrl = await toProvider(browser, app.base, tenantA.slug);
    const atCallback = await browser.follow(loginUrl, { form: { email } }, isCallback(app.base));
    const forged = new URL(atCallback.location!);
    forged.searchParams.set('state', 'not-the-state-this-browser-started');
    const wrongState = await browser.request(forged.href);
    expect([wrongState.status, JSON.parse(wrongState.text).error.message]).toEqual([400, expect.stringMatching(/does not belong to the sign-in this browser started/)]);

    const noFlow = await cookieBrowser('application/json').request(`${callbackOf(app.base)}?code=abc&state=def`);
    expect([noFlow.status, JSON.parse(noFlow.text).error.code]).toEqual([400, 'bad_request']);

    const late = cookieBrowser('application/json');
    const lateLogin = await toProvider(late, app.base, tenantA.slug);
    const lateCallback = await late.follow(lateLogin, { form: { email } }, isCallback(app.base));
    // The callback comes 11 minutes after the start by the app's clock (the provider's tokens are still fresh).
    app.clock.advance(11 * 60_000);
    const expired = await late.request(lateCallback.location!);
    expect([expired.status, JSON.parse(expired.text).error.message]).toEqual([400, expect.stringMatching(/took too long/)]);
  });

  it('answers a bad workspace name and an unknown one-time code with 400 and 401, never 500', async () => {
    const bad = await cookieBrowser('application/json').request(`${app.base}/v1/auth/oidc/login?workspace=Not%20A%20Slug`);
    expect([bad.status, JSON.parse(bad.text).error.message]).toEqual([400, expect.stringMatching(/^Invalid workspace: workspace: use 1–50 lowercase letters/)]);
    const page = await cookieBrowser().request(`${app.base}/v1/auth/oidc/login`);
    expect([page.status, page.contentType]).toEqual([400, expect.stringMatching(/text\/html/)]);
    const unknown = await cookieBrowser().request(`${app.base}/v1/auth/oidc/session`, { json: { handoff: `${tenantA.id}.made-up-code-made-up-code` } });
    expect(unknown.status).toBe(401);
  });
});

describe('SSO with an issuer that is not an OpenID provider', () => {
  let idp: FakeIdp;
  let app: SsoApp;

  beforeAll(async () => {
    idp = await startFakeIdp([]);
    app = await startSsoApp(`${idp.issuer}/realms/misspelt`, {}, await freePort());
  });

  afterAll(async () => {
    await app?.server.stop();
    await idp?.close();
  });

  it('starts, and answers a sign-in with 503 naming the setting to check', async () => {
    const answer = await cookieBrowser('application/json').request(`${app.base}/v1/auth/oidc/login?workspace=demo`);
    expect([answer.status, JSON.parse(answer.text).error.message]).toEqual([503, expect.stringContaining(`${idp.issuer}/realms/misspelt did not answer as an OpenID provider`)]);
    expect(JSON.parse(answer.text).error.message).toContain('check MCP_OIDC_ISSUER');
    expect((await client(app.base).get('/v1/auth/methods')).body).toEqual({ password: true, sso: true });
  });
});

describe('SSO when the identity provider is down', () => {
  let idpPort: number;
  let app: SsoApp;
  let idp: FakeIdp | undefined;

  beforeAll(async () => {
    idpPort = await freePort();
    const port = await freePort();
    // Nothing listens at the issuer yet: the engine still starts, with password login working.
    app = await startSsoApp(`http://127.0.0.1:${idpPort}`, {}, port);
  });

  afterAll(async () => {
    await app?.server.stop();
    await idp?.close();
  });

  it('starts, and answers a sign-in with 503 and a clear message while the provider cannot be reached; then recovers', async () => {
    const page = await cookieBrowser().request(`${app.base}/v1/auth/oidc/login?workspace=demo`);
    expect(page.status).toBe(503);
    expect(page.text).toContain(`The sign-in provider (http://127.0.0.1:${idpPort}) cannot be reached right now`);
    const json = await cookieBrowser('application/json').request(`${app.base}/v1/auth/oidc/login?workspace=demo`);
    expect([json.status, JSON.parse(json.text).error.code]).toEqual([503, 'unavailable']);

    idp = await startFakeIdp([{ ...CLIENT, redirect_uris: [callbackOf(app.base)] }], { port: idpPort });
    const tenant = await createTenant(app.server.app, 'ssodown');
    const email = `m-${uniqueSuffix()}@example.com`;
    await app.server.app.security.createUser(tenant.id, { email, password: 'correct horse battery', role: 'editor' });
    const browser = cookieBrowser('application/json');
    const loginUrl = await toProvider(browser, app.base, tenant.slug);
    const atCallback = await browser.follow(loginUrl, { form: { email } }, isCallback(app.base));

    // The provider goes away between its login page and the code exchange.
    await idp.close();
    idp = undefined;
    const back = await browser.request(atCallback.location!);
    expect([back.status, JSON.parse(back.text).error.message]).toEqual([503, expect.stringMatching(/cannot be reached right now/)]);
  });
});
