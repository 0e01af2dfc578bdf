import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { Principal, Security } from '../security/contract.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one access hook of the /v1 scope. Every route declares `config.permission`; a route that
 * forgot to is refused (fail closed). The tenant of every call comes from its credential.
 */
export function accessControl(security: Security) {
  return async (request: FastifyRequest): Promise<void> => {
    const access = request.routeOptions.config.permission;
    if (access === 'public' || request.is404) return;
    if (access === undefined) {
      throw new AppError('internal', `Route ${request.routeOptions.url} declares no permission.`);
    }
    const header = request.headers.authorization;
    if (!header) {
      throw new AppError('unauthorized', 'Missing API key: send it as `Authorization: Bearer <key>`.');
    }
    const secret = BEARER.exec(header)?.[1];
    const principal = secret ? await security.authenticate(secret) : null;
    if (!principal) {
      throw new AppError('unauthorized', 'The API key is not valid (unknown, revoked, or its workspace is suspended).');
    }
    if (!principal.permissions.includes(access)) {
      throw new AppError('forbidden', `This credential lacks the '${access}' permission.`);
    }
    request.principal = principal;
    request.log = request.log.child({ tenantId: principal.tenantId });
  };
}

export function tenantOf(request: FastifyRequest): string {
  if (!request.principal) throw new AppError('unauthorized', 'This route needs an API key.');
  return request.principal.tenantId;
}
