/** Why a provider call failed, in words the router branches on. */
export type ProviderErrorCode =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'bad_request'
  | 'invalid_output'
  | 'circuit_open'
  | 'unknown_provider';

export class ProviderCallError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderCallError';
  }

  /** Worth another attempt at the same provider after a pause. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'timeout' || this.code === 'network';
  }

  /** A sign the provider itself is unwell, which the circuit breaker counts (a 429 is throttling, not illness). */
  get countsAgainstProvider(): boolean {
    return this.code === 'server_error' || this.code === 'timeout' || this.code === 'network';
  }
}

/**
 * The wait a 429/503 asks for: `retry-after-ms` (OpenAI's), then `retry-after` in seconds or as
 * an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

interface SdkApiError {
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
}

/** Maps an SDK error (both SDKs share the shape: status, headers, timeout and connection classes) to ours. */
export function fromSdkError(
  error: unknown,
  classes: { api: abstract new (...args: never[]) => SdkApiError; timeout: abstract new (...args: never[]) => unknown },
  nowMs: number,
): ProviderCallError {
  if (error instanceof ProviderCallError) return error;
  if (error instanceof classes.timeout) return new ProviderCallError('timeout', 'The model provider did not answer in time.');
  if (!(error instanceof classes.api)) return new ProviderCallError('network', error instanceof Error ? error.message : String(error));
  const status = error.status;
  if (status === undefined) return new ProviderCallError('network', `Could not reach the model provider: ${error.message}`);
  const details = { status, retryAfterMs: retryAfterMs(error.headers, nowMs) };
  if (status === 429) return new ProviderCallError('rate_limited', 'The model provider is rate limiting this key.', details);
  if (status === 408) return new ProviderCallError('timeout', 'The model provider timed out.', details);
  if (status >= 500) return new ProviderCallError('server_error', `The model provider failed (HTTP ${status}).`, details);
  if (status === 401 || status === 403) {
    return new ProviderCallError('auth', 'The model provider refused the API key; check it in the model settings.', details);
  }
  return new ProviderCallError('bad_request', `The model provider rejected the request (HTTP ${status}): ${error.message}`, details);
}
