import type { Clock } from '../../../../shared/clock.js';
import { CallError, httpStatusError } from '../../call-error.js';
import type { HttpClient } from '../../http/http-client.js';
import type { HttpAuth, HttpSecrets } from './http-schema.js';

/** A request whose templates are rendered: credentials are added only now, so no template ever sees them. */
export interface Outgoing {
  headers: Record<string, string>;
  url: URL;
  /** The rendered JSON body (or text), serialised after auth. */
  body: unknown;
}

export interface Auth {
  /** Adds credentials to an outgoing request. */
  apply(request: Outgoing, signal: AbortSignal): Promise<void>;
  /** After a 401: forgets a cached token. True when a fresh one is worth one more attempt. */
  invalidate(): boolean;
  /** The cached access token, if any, for redaction. */
  sensitiveValues(): string[];
  /** Headers besides Authorization that carry the credential, so redirects to another origin drop them. */
  credentialHeaders: readonly string[];
}

/** Tokens are renewed this long before they expire, so none expires in flight. */
const EXPIRY_MARGIN_MS = 30_000;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function oauth2(auth: Extract<HttpAuth, { type: 'oauth2_client_credentials' }>, secret: string, deps: { http: HttpClient; clock: Clock }): Auth {
  let cached: { token: string; expiresAt: number } | null = null;
  // Concurrent calls share one token request instead of each fetching its own.
  let pending: Promise<string> | null = null;

  async function fetchToken(signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (auth.clientAuth === 'basic') headers.authorization = basic(encodeURIComponent(auth.clientId), encodeURIComponent(secret));
    else {
      form.set('client_id', auth.clientId);
      form.set('client_secret', secret);
    }
    if (auth.scope) form.set('scope', auth.scope);
    if (auth.audience) form.set('audience', auth.audience);
    const response = await deps.http.request({ method: 'POST', url: auth.tokenUrl, headers, body: form.toString(), signal, maxBytes: 64 * 1024 });
    if (response.status >= 400) {
      const error = httpStatusError(response.status, ' at the OAuth token endpoint', response.headers['retry-after']);
      throw response.status < 500 && response.status !== 429
        ? new CallError('auth_failed', `The OAuth token endpoint refused the client credentials (${response.status}); check clientId and clientSecret.`, { status: response.status })
        : error;
    }
    const body = response.body as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string') throw new CallError('auth_failed', 'The OAuth token endpoint answered without an access_token.');
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3600_000;
    cached = { token: body.access_token, expiresAt: deps.clock.now() + Math.max(0, lifetimeMs - EXPIRY_MARGIN_MS) };
    return body.access_token;
  }

  async function token(signal: AbortSignal): Promise<string> {
    if (cached && cached.expiresAt > deps.clock.now()) return cached.token;
    pending ??= fetchToken(signal).finally(() => (pending = null));
    return pending;
  }

  return {
    async apply(request, signal) {
      request.headers.authorization = `Bearer ${await token(signal)}`;
    },
    invalidate() {
      cached = null;
      return true;
    },
    sensitiveValues: () => (cached ? [cached.token] : []),
    credentialHeaders: [],
  };
}

function setField(body: unknown, field: readonly (string | number)[], value: string): void {
  const parent = field.slice(0, -1).reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
  const last = field.at(-1);
  if (parent === null || typeof parent !== 'object' || last === undefined) {
    throw new CallError('misconfigured', `The request body has no field ${field.join('.')} for the integration's key.`);
  }
  (parent as Record<string, unknown>)[last] = value;
}

export function createAuth(auth: HttpAuth, secrets: HttpSecrets, deps: { http: HttpClient; clock: Clock }): Auth {
  const missing = (name: string) => new CallError('misconfigured', `The integration's auth needs the secret '${name}'; set it in the integration's secrets.`);
  const fixed = (apply: Auth['apply'], credentialHeaders: readonly string[] = []): Auth => ({ apply, invalidate: () => false, sensitiveValues: () => [], credentialHeaders });
  switch (auth.type) {
    case 'none':
      return fixed(async () => undefined);
    case 'api_key':
      return fixed(async ({ headers, url }) => {
        if (!secrets.apiKey) throw missing('apiKey');
        if (auth.in === 'header') headers[auth.name.toLowerCase()] = secrets.apiKey;
        else url.searchParams.set(auth.name, secrets.apiKey);
      }, auth.in === 'header' ? [auth.name.toLowerCase()] : []);
    case 'bearer':
      return fixed(async ({ headers }) => {
        if (!secrets.token) throw missing('token');
        headers.authorization = `Bearer ${secrets.token}`;
      });
    case 'basic':
      return fixed(async ({ headers }) => {
        if (!secrets.password) throw missing('password');
        headers.authorization = basic(auth.username, secrets.password);
      });
    case 'body_field':
      return fixed(async (request) => {
        if (!secrets.apiKey) throw missing('apiKey');
        setField(request.body, auth.field, secrets.apiKey);
      });
    case 'oauth2_client_credentials':
      if (!secrets.clientSecret) return fixed(async () => Promise.reject(missing('clientSecret')));
      return oauth2(auth, secrets.clientSecret, deps);
  }
}
