import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Security } from '../security/contract.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that change something worth auditing name the action, e.g. `flow.publish`. */
    audit?: string;
  }
}

/**
 * onSend hook: a successful call to a route that declares `config.audit` is written to the
 * tenant's audit log with who (the principal), what (the action and the path's ids), when and from
 * where. It runs before the reply leaves, so a client that reads the log right after its call
 * finds the entry (audited calls are administrative; the extra insert is worth it).
 */
export function auditHook(security: Security) {
  return async <T>(request: FastifyRequest, reply: FastifyReply, payload: T): Promise<T> => {
    const action = request.routeOptions.config.audit;
    const principal = request.principal;
    if (!action || !principal?.tenantId || reply.statusCode >= 400) return payload;
    const params = (request.params ?? {}) as Record<string, string>;
    const target = Object.values(params).join('/') || undefined;
    await security
      .audit(principal.tenantId, principal, { action, target }, { ip: request.ip, userAgent: request.headers['user-agent'] })
      .catch((error: unknown) => request.log.error({ err: error, action }, 'audit log write failed'));
    return payload;
  };
}
