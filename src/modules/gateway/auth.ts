import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { Principal, Security } from '../security/contract.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** onRequest hook of the /v1 scope: the tenant of every call comes from its API key. */
export function apiKeyAuth(security: Security) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      throw new AppError('unauthorized', 'Missing API key: send it as `Authorization: Bearer <key>`.');
    }
    const secret = BEARER.exec(header)?.[1];
    const principal = secret ? await security.authenticate(secret) : null;
    if (!principal) {
      throw new AppError('unauthorized', 'The API key is not valid (unknown, revoked, or its workspace is suspended).');
    }
    request.principal = principal;
    request.log = request.log.child({ tenantId: principal.tenantId });
  };
}

export function tenantOf(request: FastifyRequest): string {
  if (!request.principal) throw new AppError('unauthorized', 'This route needs an API key.');
  return request.principal.tenantId;
}
