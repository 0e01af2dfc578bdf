import type { Session } from './types';

/** An API failure as a person should read it: the server's `error.message`, its code and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The refresh token lives in sessionStorage so that reloading the tab keeps you logged in, while
 * closing it logs you out; it is not shared with other tabs (each refresh token works once, so
 * tabs sharing one would log each other out) and, unlike localStorage, does not outlive the
 * session. The access token stays in memory only. The API uses bearer tokens, not cookies, so
 * there is no CSRF surface; an httpOnly cookie would hide the refresh token from scripts too, but
 * the API does not offer one.
 */
const REFRESH_KEY = 'mcp-console.refresh-token';
/** Refresh this long before the access token expires, so requests never carry a stale one. */
const REFRESH_MARGIN_MS = 60_000;

type Listener = (session: Session | null) => void;

/**
 * The one-time code an SSO sign-in leaves in the address (`#sso=…`, a fragment, so no server
 * logs it), taken out of the address bar at once so that a reload or a bookmark does not reuse it.
 */
function takeSsoHandoff(): string | null {
  const match = /^#sso=([^&]+)$/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

export function createApiClient(baseUrl = '') {
  let session: Session | null = null;
  let refreshing: Promise<boolean> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ssoProblem: string | null = null;
  const listeners = new Set<Listener>();

  function setSession(next: Session | null): void {
    session = next;
    clearTimeout(timer);
    if (next) {
      sessionStorage.setItem(REFRESH_KEY, next.refreshToken);
      timer = setTimeout(() => void refresh(), Math.max(5_000, next.expiresIn * 1000 - REFRESH_MARGIN_MS));
    } else {
      sessionStorage.removeItem(REFRESH_KEY);
    }
    for (const listener of listeners) listener(next);
  }

  async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | Blob | undefined;
    if (body instanceof Blob) {
      // Files as they are (an agent export zip): the server reads the bytes.
      headers['content-type'] = body.type || 'application/octet-stream';
      payload = body;
    } else if (typeof body === 'string') {
      headers['content-type'] = 'application/yaml';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    try {
      return await fetch(`${baseUrl}/v1${path}`, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'network_error', 'The server cannot be reached. Check that MCP Engine is running, then try again.');
    }
  }

  async function parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (response.ok) return json as T;
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status} ${response.statusText}.`, error?.details);
  }

  /** One refresh at a time: concurrent 401s wait for the same new token. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      const refreshToken = session?.refreshToken ?? sessionStorage.getItem(REFRESH_KEY);
      if (!refreshToken) return false;
      try {
        setSession(await parse<Session>(await send('POST', '/auth/refresh', { refreshToken }, null)));
        return true;
      } catch {
        setSession(null);
        return false;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(method, path, body, session?.accessToken ?? null);
    if (response.status === 401 && session && (await refresh())) {
      return parse<T>(await send(method, path, body, session.accessToken));
    }
    if (response.status === 401 && session) setSession(null);
    return parse<T>(response);
  }

  return {
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
    del: <T>(path: string) => request<T>('DELETE', path),

    session: () => session,
    onSession(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async login(input: { workspace: string; email: string; password: string }): Promise<Session> {
      const next = await parse<Session>(await send('POST', '/auth/login', input, null));
      setSession(next);
      return next;
    },
    /** How people may log in here: the console offers "Sign in with SSO" when the server has it. */
    loginMethods: async () => parse<{ password: boolean; sso: boolean }>(await send('GET', '/auth/methods', undefined, null)),
    /** The server's SSO sign-in for a workspace: a full-page navigation (it goes on to the identity provider). */
    ssoLoginUrl: (workspace: string) => `${baseUrl}/v1/auth/oidc/login?workspace=${encodeURIComponent(workspace)}`,
    /** Why the last SSO sign-in could not be finished here, for the login page to say. */
    ssoProblem: () => ssoProblem,
    /** Picks the session up after a reload (the tab's refresh token) or on return from an SSO sign-in. */
    async resume(): Promise<boolean> {
      const handoff = takeSsoHandoff();
      if (!handoff) return refresh();
      try {
        // The server checks that this browser started the sign-in (its flow cookie goes along).
        setSession(await parse<Session>(await send('POST', '/auth/oidc/session', { handoff }, null)));
        return true;
      } catch (error) {
        ssoProblem = errorMessage(error);
        return false;
      }
    },
    async logout(): Promise<void> {
      if (session) await send('POST', '/auth/logout', {}, session.accessToken).catch(() => undefined);
      setSession(null);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
export const api = createApiClient();

/** Path segment for an id (conversation ids may hold ':' and '.'). */
export const seg = (id: string) => encodeURIComponent(id);

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
