import { AppError, isAppError } from '../../shared/app-error.js';

/** Seconds a client should wait before retrying while a dependency is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 2;

// Socket-level failures, as Node reports them, and PostgreSQL's "server going away" classes:
// 57P01–57P03 (admin/crash shutdown, cannot connect now) and 08xxx (connection exceptions).
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', 'EAI_AGAIN']);
const PG_OUTAGE = /^(57P0[1-3]|08[0-9A-Z]{3})$/;
const OUTAGE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'Connection is closed', // ioredis, while reconnecting
  'Reached the max retries per request limit', // ioredis MaxRetriesPerRequestError
  'Stream isn\'t writeable',
];

/** True when `error` says PostgreSQL or Redis could not be reached, rather than that a query was wrong. */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || PG_OUTAGE.test(code))) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return OUTAGE_MESSAGES.some((m) => error.message.includes(m));
}

/**
 * The error a caller should see for `error`: an outage becomes AppError('unavailable') with a retry
 * hint (HTTP 503 + Retry-After), so that clients retry instead of treating it as a bug.
 */
export function asOutage(error: unknown, what: 'PostgreSQL' | 'Redis'): unknown {
  if (isAppError(error) || !isOutage(error)) return error;
  return new AppError('unavailable', `Storage is unavailable (${what}); nothing was lost. Retry in a few seconds.`, {
    details: { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS },
    cause: error,
  });
}
