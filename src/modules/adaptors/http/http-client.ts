import type { Readable } from 'node:stream';
import { type Agent, fetch as undiciFetch, request } from 'undici';
import { CallError, toCallError } from '../call-error.js';
import type { AddressPolicy } from '../ssrf/address-policy.js';
import { checkUrl, createGuardedAgent } from '../ssrf/guarded-agent.js';
import { decodeBody, discard, limitStream, readLimited } from './read-body.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Ends the request, the wait for headers and the body download alike. */
  signal: AbortSignal;
  /** At most this many response bytes (never more than the operator's maximum). */
  maxBytes?: number;
  /** More headers holding credentials (an API key header), dropped like Authorization when a redirect leaves the origin. */
  credentialHeaders?: readonly string[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, text, or null when empty. */
  body: unknown;
  /** The URL that answered, after redirects. */
  url: string;
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The only way adaptor kinds reach the network: SSRF-guarded, size-limited, abortable. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** fetch for SDKs (MCP Streamable HTTP) over the same guarded connections and size limit. */
  fetch: FetchLike;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses a Response may not be built with a body for. */
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Credentials never follow a redirect to another origin. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

export function createHttpClient(deps: { policy: AddressPolicy; maxResponseBytes: number }): HttpClient & { close(): Promise<void> } {
  const agent: Agent = createGuardedAgent(deps.policy);
  const limitOf = (maxBytes?: number) => Math.min(maxBytes ?? deps.maxResponseBytes, deps.maxResponseBytes);

  async function send(req: HttpRequest): Promise<HttpResponse> {
    let url = checkUrl(deps.policy, req.url);
    let method = req.method.toUpperCase();
    let body = req.body;
    const headers = { ...req.headers };
    const originBound = new Set([...ORIGIN_BOUND_HEADERS, ...(req.credentialHeaders ?? []).map((h) => h.toLowerCase())]);
    for (let hop = 0; ; hop++) {
      const response = await request(url, { method: method as 'GET', headers, body, signal: req.signal, dispatcher: agent });
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        discard(response.body as unknown as Readable);
        if (hop >= MAX_REDIRECTS) throw new CallError('http_error', `The service redirected more than ${MAX_REDIRECTS} times.`);
        const next = checkUrl(deps.policy, new URL(location, url).toString());
        if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        if (next.origin !== url.origin) {
          // A body may carry credentials (an OAuth client secret, a JSON-RPC key) that headers stripping cannot see.
          if (body !== undefined) throw new CallError('http_error', `The service redirected a request with a body to another origin (${next.origin}); it was not sent there.`);
          for (const name of Object.keys(headers)) if (originBound.has(name.toLowerCase())) delete headers[name];
        }
        url = next;
        continue;
      }
      const flat = flatHeaders(response.headers);
      const buffer = await readLimited(response.body as unknown as Readable, flat['content-length'], limitOf(req.maxBytes));
      return { status: response.statusCode, headers: flat, body: decodeBody(buffer, flat['content-type']), url: url.toString() };
    }
  }

  return {
    async request(req) {
      try {
        return await send(req);
      } catch (error) {
        throw toCallError(error, req.signal);
      }
    },
    fetch: async (input, init) => {
      checkUrl(deps.policy, input.toString());
      const response = (await undiciFetch(input.toString(), { ...(init as object), dispatcher: agent })) as unknown as Response;
      const limited = response.body && !NULL_BODY.has(response.status) ? limitStream(response.body, deps.maxResponseBytes) : null;
      return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
    },
    close: () => agent.close(),
  };
}
