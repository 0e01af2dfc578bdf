import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Permission, Principal, Security } from '../security/contract.js';
import type { RouteAccess } from './api.js';
import type { GatewayConfig } from './contract.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const MINUTE = 60_000;

function principalId(principal: Principal): string {
  switch (principal.kind) {
    case 'api_key':
      return `key:${principal.keyId}`;
    case 'user':
      return `user:${principal.userId}`;
    case 'platform':
      return 'platform';
  }
}

async function limit(security: Security, reply: FastifyReply, bucket: string, perMinute: number, what: string): Promise<void> {
  const result = await security.consumeRateLimit(bucket, perMinute, MINUTE);
  reply.header('x-ratelimit-limit', result.limit).header('x-ratelimit-remaining', result.remaining);
  if (!result.allowed) {
    throw new AppError('rate_limited', `Too many requests ${what}; slow down and retry after the Retry-After delay.`, {
      details: { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) },
    });
  }
}

const needed = (access: Exclude<RouteAccess, 'public'>): readonly Permission[] => (typeof access === 'string' ? [access] : access);

/** The bucket and budget per client address of a public route: logins and webhooks never spend web chat's. */
function publicBudget(request: FastifyRequest, limits: GatewayConfig['limits']): { bucket: string; perMinute: number } {
  switch (request.routeOptions.config.rateLimit) {
    case 'webhook':
      return { bucket: `webhook-ip:${request.ip}`, perMinute: limits.webhookPerIpPerMinute };
    case 'auth':
      return { bucket: `auth-ip:${request.ip}`, perMinute: limits.publicPerIpPerMinute };
    case undefined:
      return { bucket: `ip:${request.ip}`, perMinute: limits.publicPerIpPerMinute };
  }
}

/**
 * onRoute hook: each operation's permission goes into the OpenAPI document as `x-permission`, so
 * API users (and the privilege tests) read who may call what from the API itself.
 */
export function declarePermission(route: RouteOptions): void {
  const permission = route.config?.permission;
  if (permission === undefined || !route.schema) return;
  route.schema = { ...route.schema, 'x-permission': permission } as RouteOptions['schema'];
}

/**
 * The one access hook of the /v1 scope. Every route declares `config.permission`; a route that
 * forgot to is refused (fail closed). The tenant of every call comes from its credential. Rate
 * limits apply per credential and per tenant, and per client address on public routes.
 */
export function accessControl(security: Security, limits: GatewayConfig['limits']) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config.permission;
    if (request.is404) return;
    if (access === 'public') {
      const { bucket, perMinute } = publicBudget(request, limits);
      await limit(security, reply, bucket, perMinute, 'from this address');
      return;
    }
    if (access === undefined) {
      throw new AppError('internal', `Route ${request.routeOptions.url} declares no permission.`);
    }
    const header = request.headers.authorization;
    if (!header) {
      throw new AppError('unauthorized', 'Missing credentials: send an API key or access token as `Authorization: Bearer <token>`.');
    }
    const secret = BEARER.exec(header)?.[1];
    const principal = secret ? await security.authenticate(secret) : null;
    if (!principal) {
      throw new AppError('unauthorized', 'The API key or token is not valid (unknown, expired, revoked, or its workspace is suspended).');
    }
    await limit(security, reply, principalId(principal), limits.perCredentialPerMinute, 'with this credential');
    if (principal.tenantId) await limit(security, reply, `tenant:${principal.tenantId}`, limits.perTenantPerMinute, 'for this workspace');
    // Known before the permission check, so that a refusal is audited with who was refused.
    request.principal = principal;
    // The request's own child logger (the gateway's logger is pino): binding in place skips making
    // a second child, with its serialisers and redaction, on every request.
    (request.log as Logger).setBindings({ tenantId: principal.tenantId });
    const anyOf = needed(access);
    if (!anyOf.some((p) => principal.permissions.includes(p))) {
      throw new AppError('forbidden', `This credential lacks the '${anyOf.join("' or '")}' permission.`);
    }
  };
}

export function tenantOf(request: FastifyRequest): string {
  const tenantId = request.principal?.tenantId;
  if (!tenantId) throw new AppError('forbidden', 'This route acts inside a workspace; use a workspace API key or a user token.');
  return tenantId;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'This route needs credentials.');
  return request.principal;
}
