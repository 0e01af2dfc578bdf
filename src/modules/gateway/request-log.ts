import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../shared/logger.js';

/** Query parameters whose values are credentials (Meta's `hub.verify_token`, `access_token`, `key` …). */
const SENSITIVE_PARAM = /token|secret|key|password|passwd|signature|auth|credential|session|code/i;
const REDACTED = '[redacted]';

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The URL with the values of credential-like query parameters replaced; the rest as received. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SENSITIVE_PARAM.test(paramName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/**
 * Fastify's request log line, minus secrets: query credentials redacted, and no headers at all
 * (so no Authorization or cookie), whatever logger the app was given.
 */
export const requestLogSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
};

/**
 * One line per request, written when its response is sent (Fastify's own logging writes one on
 * arrival and another on completion: twice the cost on every message, for no more information).
 * Its fields are the serializer's above, none of them a secret, so the line skips the logger's
 * redaction (which copied each line's objects to look for secrets) and names the request and its
 * workspace itself (the per-request child logger carries them for every other line).
 */
export function requestLogHook(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const lines = logger.child({}, { serializers: requestLogSerializers, redact: [] });
  return async (request, reply) => {
    lines.info({ reqId: request.id, tenantId: request.principal?.tenantId, req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  };
}
