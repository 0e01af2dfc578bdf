import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry, Security } from '../security/contract.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that change something worth auditing name the action, e.g. `flow.publish`. */
    audit?: string;
  }
  interface FastifyRequest {
    /** What a handler adds to its route's audit entry (e.g. a role's old and new value). */
    auditDetails?: Record<string, unknown>;
  }
}

/** The reason a refusal gave, read back from the error body about to be sent. */
function refusalReason(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const message = (JSON.parse(payload) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function entryFor(request: FastifyRequest, reply: FastifyReply, payload: unknown): AuditEntry | null {
  const params = (request.params ?? {}) as Record<string, string>;
  const target = Object.values(params).join('/') || undefined;
  if (reply.statusCode === 403) {
    const details = { method: request.method, route: request.routeOptions.url, permission: request.routeOptions.config.permission, reason: refusalReason(payload) };
    return { action: 'access.denied', target, details };
  }
  const action = request.routeOptions.config.audit;
  if (!action || reply.statusCode >= 400) return null;
  return { action, target, ...(request.auditDetails ? { details: request.auditDetails } : {}) };
}

/**
 * onSend hook: a successful call to a route that declares `config.audit`, and every refused one
 * (403: someone tried what their role or key does not allow), is written to the tenant's audit log
 * with who (the principal), what (the action and the path's ids), when and from where. It runs
 * before the reply leaves, so a client that reads the log right after its call finds the entry
 * (audited calls are administrative; the extra insert is worth it).
 */
export function auditHook(security: Security) {
  return async <T>(request: FastifyRequest, reply: FastifyReply, payload: T): Promise<T> => {
    const principal = request.principal;
    const entry = principal?.tenantId ? entryFor(request, reply, payload) : null;
    if (!entry || !principal?.tenantId) return payload;
    await security
      .audit(principal.tenantId, principal, entry, { ip: request.ip, userAgent: request.headers['user-agent'] })
      .catch((error: unknown) => request.log.error({ err: error, action: entry.action }, 'audit log write failed'));
    return payload;
  };
}
