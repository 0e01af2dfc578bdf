export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** Never wait longer than this, whatever a platform's Retry-After says. */
const RETRY_AFTER_CEILING_MS = 60 * 60_000;

/**
 * Delay before the next attempt: exponential from `baseMs`, capped at `maxMs`, with "equal jitter"
 * (half fixed, half random) so that many failed sends do not return in one burst. A platform's
 * Retry-After is a floor: we never come back earlier than it asked.
 */
export function nextDelayMs(attempt: number, settings: BackoffSettings, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CEILING_MS)));
}
