/**
 * The outbound HTTP client of every channel: Node's fetch (undici) with a timeout. It never
 * throws: network failures, timeouts and HTTP errors come back as data the outbox can act on.
 */
export type PostResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; retryAfterMs?: number; body: unknown; error: string };

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return text;
  }
}

export function createHttpPost(options: { timeoutMs: number; now: () => number }) {
  return async (url: string, init: { headers: Record<string, string>; body: string }): Promise<PostResult> => {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      return { ok: false, status: null, body: null, error: `request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const body = await readBody(response).catch(() => null);
    if (response.ok) return { ok: true, status: response.status, body };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now());
    return { ok: false, status: response.status, body, error: `HTTP ${response.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  };
}

/** 429, 5xx and network failures are worth retrying; other 4xx answers will not change. */
export function failedSend(result: Extract<PostResult, { ok: false }>, detail?: string) {
  const retryable = result.status === null || result.status === 429 || result.status >= 500;
  return {
    ok: false as const,
    retryable,
    error: detail ? `${result.error}: ${detail}` : result.error,
    ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
  };
}
