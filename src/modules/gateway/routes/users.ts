import { z } from 'zod';
import {
  apiKeyInfoSchema,
  auditQuerySchema,
  auditRecordSchema,
  createApiKeySchema,
  createdApiKeySchema,
  invitedUserSchema,
  inviteUserSchema,
  type Security,
  updateUserSchema,
  type User,
  type UserUpdate,
  userSchema,
} from '../../security/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';
import { principalOf, tenantOf } from '../auth.js';
import { AppError } from '../../../shared/app-error.js';

const idParams = z.object({ id: z.string().min(1).max(100) });

/** What a change to a person changed, `{field: {from, to}}`, for the audit log. */
function changes(previous: UserUpdate['previous'], user: User): Record<string, { from: string; to: string }> {
  const changed: Record<string, { from: string; to: string }> = {};
  if (previous.role !== user.role) changed.role = { from: previous.role, to: user.role };
  if (previous.status !== user.status) changed.status = { from: previous.status, to: user.status };
  return changed;
}

/** People, API keys and the audit log of a workspace. */
export function workspaceRoutes(app: Api, deps: { security: Security }): void {
  const { security } = deps;

  app.get('/users', { config: { permission: 'users:read' }, schema: { summary: 'Members of the workspace', tags: ['users'], response: responses({ 200: listOf('users', userSchema) }) } }, async (request) => ({
    users: await security.listUsers(tenantOf(request)),
  }));

  app.post(
    '/users',
    { config: { permission: 'users:write', audit: 'user.invite' }, schema: { summary: 'Invite a person (returns the invitation token once)', tags: ['users'], body: inviteUserSchema, response: responses({ 201: invitedUserSchema }) } },
    async (request, reply) => {
      const invited = await security.inviteUser(tenantOf(request), request.body, principalOf(request));
      request.auditDetails = { role: invited.user.role };
      return reply.status(201).send(invited);
    },
  );

  app.patch(
    '/users/:id',
    { config: { permission: 'users:write', audit: 'user.update' }, schema: { summary: 'Change a role, disable or re-enable', tags: ['users'], params: idParams, body: updateUserSchema, response: responses({ 200: userSchema }) } },
    async (request) => {
      const { user, previous } = await security.updateUser(tenantOf(request), request.params.id, request.body, principalOf(request));
      request.auditDetails = changes(previous, user);
      return user;
    },
  );

  app.get('/api-keys', { config: { permission: 'api_keys:read' }, schema: { summary: 'API keys (never their secrets)', tags: ['api keys'], response: responses({ 200: listOf('apiKeys', apiKeyInfoSchema) }) } }, async (request) => ({
    apiKeys: await security.listApiKeys(tenantOf(request)),
  }));

  app.post(
    '/api-keys',
    { config: { permission: 'api_keys:write', audit: 'api_key.create' }, schema: { summary: 'Create an API key; its secret is shown this once', tags: ['api keys'], body: createApiKeySchema, response: responses({ 201: createdApiKeySchema }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      const scopes = request.body.scopes ?? principal.permissions.filter((p) => p !== 'platform:admin');
      const beyond = scopes.filter((p) => !principal.permissions.includes(p));
      if (beyond.length > 0) throw new AppError('forbidden', `A key cannot carry permissions its creator lacks: ${beyond.join(', ')}.`);
      // A key made by a key answers to the same person, so it cannot outlive their leaving either.
      const createdBy = principal.kind === 'user' ? principal.userId : principal.kind === 'api_key' ? (principal.createdBy ?? undefined) : undefined;
      return reply.status(201).send(await security.createApiKey(tenantOf(request), { ...request.body, scopes, createdBy }));
    },
  );

  app.delete(
    '/api-keys/:id',
    { config: { permission: 'api_keys:write', audit: 'api_key.revoke' }, schema: { summary: 'Revoke an API key', tags: ['api keys'], params: idParams, response: responses({ 200: apiKeyInfoSchema }) } },
    async (request) => security.revokeApiKey(tenantOf(request), request.params.id),
  );

  app.get('/audit', { config: { permission: 'audit:read' }, schema: { summary: 'Who did what, when, from where', tags: ['audit'], querystring: auditQuerySchema, response: responses({ 200: listOf('entries', auditRecordSchema) }) } }, async (request) => ({
    entries: await security.listAudit(tenantOf(request), request.query),
  }));
}
