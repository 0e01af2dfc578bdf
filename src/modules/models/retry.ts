export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseMs: number;
  /** The longest wait, computed or asked for by Retry-After. */
  maxMs: number;
}

/**
 * How long to wait before retry number `retry` (0 for the first), or null to stop retrying this
 * provider. Without a Retry-After: exponential backoff with full jitter (a uniform wait up to
 * base·2^retry), which spreads out clients that failed together. A Retry-After is honoured as
 * given; one longer than `maxMs` means the provider is better skipped for the next in the chain.
 */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number, retryAfterMs?: number): number | null {
  if (retry >= policy.maxRetries) return null;
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxMs ? retryAfterMs : null;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
