import type { IntegrationErrorCode } from './contract.js';

export interface CallErrorOptions {
  /** Worth another attempt (network trouble, 429, 5xx) — if the operation is idempotent. */
  retryable?: boolean;
  /** Counts against the circuit breaker: the remote system looks unhealthy (not a 4xx of ours). */
  tripsBreaker?: boolean;
  status?: number;
  /** From a Retry-After header. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** What kinds and the HTTP client throw; the executor turns it into a failed IntegrationResult. */
export class CallError extends Error {
  readonly code: IntegrationErrorCode;
  readonly retryable: boolean;
  readonly tripsBreaker: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(code: IntegrationErrorCode, message: string, options: CallErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'CallError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.tripsBreaker = options.tripsBreaker ?? this.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Maps an HTTP status of a remote system to an error its caller can branch on. */
export function httpStatusError(status: number, detail: string, retryAfter?: string | null): CallError {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return new CallError('rate_limited', `The service is rate limiting us (429)${detail}.`, { status, retryable: true, ...extra });
  if (status === 401 || status === 403) return new CallError('auth_failed', `The service refused the credentials (${status})${detail}; check the integration's secrets.`, { status });
  if (status >= 500) return new CallError('http_error', `The service failed (${status})${detail}.`, { status, retryable: status !== 501, ...extra });
  return new CallError('http_error', `The service answered ${status}${detail}.`, { status });
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Anything thrown while calling: our own errors pass through, aborts become timeouts. */
export function toCallError(error: unknown, signal: AbortSignal): CallError {
  // fetch wraps connection errors (ours included) as `TypeError('fetch failed', {cause})`.
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof CallError) return e;
  }
  if (signal.aborted) return new CallError('timeout', 'The call did not finish within its timeout.', { retryable: true, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new CallError('network_error', `Could not reach the service: ${message}.`, { retryable: true, cause: error });
}
