/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a random wait in [0, base·2^attempt], capped, so that many clients retrying at once spread out
 * instead of hitting a recovering service in waves. A server's Retry-After wins when it is longer.
 */
export function backoffMs(attempt: number, options: { baseMs: number; capMs: number; random: () => number; retryAfterMs?: number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  const jittered = Math.floor(options.random() * ceiling);
  return options.retryAfterMs === undefined ? jittered : Math.min(options.capMs, Math.max(jittered, options.retryAfterMs));
}
