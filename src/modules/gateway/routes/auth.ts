import { z } from 'zod';
import { acceptInviteSchema, changePasswordSchema, credentialInfoSchema, loginSchema, refreshSchema, type Security, sessionSchema } from '../../security/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { principalOf } from '../auth.js';
import { AppError } from '../../../shared/app-error.js';

const tags = ['auth'];
const session = responses({ 200: sessionSchema });

/** Sessions of people (the console): login, token refresh, logout, password, invitations. */
export function authRoutes(app: Api, deps: { security: Security }): void {
  const { security } = deps;

  app.post('/auth/login', { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Log in: an access token and a refresh token', tags, body: loginSchema, security: [], response: session } }, async (request) => {
    const session = await security.login(request.body);
    await security.audit(
      session.user.tenantId,
      { kind: 'user', tenantId: session.user.tenantId, userId: session.user.id, role: session.user.role, permissions: [] },
      { action: 'auth.login', target: session.user.id },
      { ip: request.ip, userAgent: request.headers['user-agent'] },
    );
    return session;
  });

  app.post('/auth/refresh', { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Trade a refresh token for new tokens (it works once)', tags, body: refreshSchema, security: [], response: session } }, async (request) =>
    security.refresh(request.body.refreshToken),
  );

  app.post('/auth/accept-invite', { config: { permission: 'public', rateLimit: 'auth' }, schema: { summary: 'Set a password from an invitation and log in', tags, body: acceptInviteSchema, security: [], response: session } }, async (request) =>
    security.acceptInvite(request.body),
  );

  const userOnly = (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    if (principal.kind !== 'user') throw new AppError('forbidden', 'This call is for logged-in people, not API keys.');
    return principal;
  };

  app.get('/auth/me', { config: { permission: 'conversations:read' }, schema: { summary: 'Who the credential belongs to and what it may do', tags, response: responses({ 200: credentialInfoSchema }) } }, async (request) => {
    const principal = principalOf(request);
    return { kind: principal.kind, tenantId: principal.tenantId, role: principal.kind === 'user' ? principal.role : null, permissions: [...principal.permissions] };
  });

  app.post('/auth/logout', { config: { permission: 'conversations:read', audit: 'auth.logout' }, schema: { summary: 'Revoke every token of the user', tags, response: responses({ 200: z.object({ loggedOut: z.boolean() }) }) } }, async (request) => {
    const user = userOnly(request);
    await security.logout(user.tenantId, user.userId);
    return { loggedOut: true };
  });

  app.post(
    '/auth/password',
    { config: { permission: 'conversations:read', audit: 'auth.password_change' }, schema: { summary: 'Change the password (revokes every token)', tags, body: changePasswordSchema, response: responses({ 200: z.object({ changed: z.boolean() }) }) } },
    async (request) => {
      const user = userOnly(request);
      await security.changePassword(user.tenantId, user.userId, request.body);
      return { changed: true };
    },
  );
}
