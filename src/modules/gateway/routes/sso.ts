import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError, type AppError } from '../../../shared/app-error.js';
import { type Security, sessionSchema, ssoLoginQuerySchema, ssoRedeemSchema } from '../../security/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { statusOf } from '../errors.js';
import { parseInput } from '../parse-input.js';

const tags = ['auth'];
/** A redirect has no body; where it leads is in `Location`. (A browser asking for HTML gets a refusal as a page, API clients the error body.) */
const redirect = (to: string) => z.null().describe(to);
/** Holds the flow id of a sign-in in progress; sent back only to the SSO routes. */
const FLOW_COOKIE = 'mcp_sso_flow';
const COOKIE_PATH = '/v1/auth/oidc';

/** Checked in the handler rather than by the route schema, so that a mistyped name gets the page too. */
const loginQuery = z.object({ workspace: z.string().max(200).optional().describe('The workspace (slug) to sign in to') });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sign-in routes are browser navigations: a person reads the refusal, so it is a page (JSON for API clients). */
function refusalPage(error: AppError): string {
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign-in failed · MCP Engine</title>
<main style="font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in failed</h1><p role="alert">${escapeHtml(error.message)}</p><p><a href="/console/">Back to the sign-in page</a></p></main>`;
}

async function asPageOnRefusal(request: FastifyRequest, reply: FastifyReply, step: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await step();
  } catch (error) {
    if (!isAppError(error) || error.code === 'internal' || !request.headers.accept?.includes('text/html')) throw error;
    request.log.info({ code: error.code }, error.message);
    if (error.code === 'unavailable') reply.header('retry-after', '30');
    return reply.status(statusOf(error.code)).type('text/html; charset=utf-8').send(refusalPage(error));
  }
}

/**
 * Single sign-on of the console (OpenID Connect, authorization code flow with PKCE): the login
 * route sends the browser to the provider, the callback checks its answer and sends the browser
 * to the console with a one-time code, which the console trades for its session.
 */
export function ssoRoutes(app: Api, deps: { security: Security }): void {
  const { security } = deps;
  const settings = security.ssoSettings();
  const cookie = { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax' as const, secure: settings.callbackUrl?.startsWith('https:') ?? false };

  app.get('/auth/methods', { config: { permission: 'public' }, schema: { summary: 'How people may log in to the console', tags, security: [], response: responses({ 200: z.object({ password: z.boolean(), sso: z.boolean() }) }) } }, async () => ({
    password: true,
    sso: settings.enabled,
  }));

  app.get(
    '/auth/oidc/login',
    { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Sign in with SSO: redirects to the identity provider', tags, querystring: loginQuery, security: [], response: responses({ 302: redirect('To the identity provider') }) } },
    async (request, reply) =>
      asPageOnRefusal(request, reply, async () => {
        const { workspace } = parseInput(ssoLoginQuerySchema, request.query, 'workspace');
        const started = await security.startSso(workspace);
        reply.setCookie(FLOW_COOKIE, started.flow, { ...cookie, maxAge: started.maxAgeSeconds });
        return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl, 302);
      }),
  );

  app.get(
    '/auth/oidc/callback',
    { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Where the identity provider sends the browser back', tags, security: [], response: responses({ 303: redirect('To the console, with a one-time code in the fragment') }) } },
    async (request, reply) =>
      asPageOnRefusal(request, reply, async () => {
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
        const origin = { ip: request.ip, userAgent: request.headers['user-agent'] };
        const { handoff } = await security.finishSso({ flow: request.cookies[FLOW_COOKIE], query, origin });
        // In the fragment: it reaches the console's script, never a server log or a Referer header.
        return reply.header('cache-control', 'no-store').redirect(`/console/#sso=${encodeURIComponent(handoff)}`, 303);
      }),
  );

  app.post(
    '/auth/oidc/session',
    { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Trade the one-time code of a finished SSO sign-in for tokens', tags, body: ssoRedeemSchema, security: [], response: responses({ 200: sessionSchema }) } },
    async (request, reply) => {
      const session = await security.redeemSso({ handoff: request.body.handoff, flow: request.cookies[FLOW_COOKIE] });
      reply.clearCookie(FLOW_COOKIE, cookie);
      await security.audit(
        session.user.tenantId,
        { kind: 'user', tenantId: session.user.tenantId, userId: session.user.id, role: session.user.role, permissions: [] },
        { action: 'auth.login', target: session.user.id, details: { method: 'sso' } },
        { ip: request.ip, userAgent: request.headers['user-agent'] },
      );
      return session;
    },
  );
}
