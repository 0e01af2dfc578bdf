import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type Handler = (request: Recorded, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  url: string;
  requests: Recorded[];
  calls(path: string): Recorded[];
  /** The next `count` requests to `path` get `status` (and headers) instead of the normal answer. */
  failNext(path: string, count: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return null;
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as unknown;
  if ((req.headers['content-type'] ?? '').includes('form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return text;
}

/** A loopback HTTP server that records every request; `handle` answers the ones not failed on purpose. */
export async function startFakeServer(handle: Handler): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const failures = new Map<string, { count: number; status: number; headers: Record<string, string> }>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const recorded: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: await readBody(req) };
      requests.push(recorded);
      const failure = failures.get(url.pathname);
      if (failure && failure.count > 0) {
        failure.count -= 1;
        return sendJson(res, failure.status, { message: `fake failure ${failure.status}` }, failure.headers);
      }
      await handle(recorded, res);
    })().catch((error: unknown) => sendJson(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (path) => requests.filter((r) => r.path === path),
    failNext(path, count, status, headers = {}) {
      failures.set(path, { count, status, headers });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FakeCrm extends FakeServer {
  /** HubSpot private app token the fake accepts. */
  accessToken: string;
  client: { id: string; secret: string };
  tokensIssued(): number;
  /** OAuth tokens issued so far stop working (as when they expire early or are revoked). */
  revokeTokens(): void;
}

const CONTACTS = [{ id: '101', properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', phone: '+44 20 7946 0000' } }];

/**
 * A fake HubSpot-style CRM: OAuth client credentials at /oauth/token, contact search and ticket
 * creation under /crm/v3, plus misbehaving endpoints (slow, dripping, huge, binary, redirecting)
 * for the limits and the SSRF guard.
 */
export async function startFakeCrm(): Promise<FakeCrm> {
  const accessToken = 'pat-na1-fake-private-app-token';
  const client = { id: 'bot-client', secret: 'sh-client-secret-123' };
  const live = new Set<string>();
  let issued = 0;
  let tickets = 0;
  const authorised = (r: Recorded) => {
    const token = String(r.headers.authorization ?? '').replace(/^Bearer /, '');
    return token === accessToken || live.has(token);
  };

  const server = await startFakeServer(async (r, res) => {
    const route = `${r.method} ${r.path}`;
    if (route === 'POST /oauth/token') {
      const form = r.body as Record<string, string>;
      if (form.grant_type !== 'client_credentials' || form.client_id !== client.id || form.client_secret !== client.secret) return sendJson(res, 401, { error: 'invalid_client' });
      const token = `oat-${(issued += 1)}`;
      live.add(token);
      return sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600 });
    }
    if (r.path === '/slow') return void setTimeout(() => sendJson(res, 200, { late: true }), Number(r.query.ms ?? 5000));
    if (r.path === '/drip') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write('0,'), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (r.path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = `"${'x'.repeat(64 * 1024)}",`;
      res.write('[');
      for (let i = 0; i < 100 && !res.destroyed; i++) if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      return void res.end('0]');
    }
    if (r.path === '/binary') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(16));
    if (r.path === '/redirect') return void res.writeHead(302, { location: r.query.to ?? '/' }).end();
    if (r.path === '/echo-headers') return sendJson(res, 200, { authorization: r.headers.authorization ?? null, apiKey: r.headers['x-api-key'] ?? null });
    if (r.path.startsWith('/orders/')) return sendJson(res, 200, { order: { id: decodeURIComponent(r.path.slice(8)), status: 'shipped' } });
    if (!r.path.startsWith('/crm/')) return sendJson(res, 404, { message: 'not found' });
    if (!authorised(r)) return sendJson(res, 401, { message: 'Authentication credentials not found.' });
    if (route === 'GET /crm/v3/objects/contacts') return sendJson(res, 200, { results: CONTACTS });
    if (route === 'POST /crm/v3/objects/contacts/search') {
      const email = (r.body as { filterGroups: { filters: { value: string }[] }[] }).filterGroups[0]?.filters[0]?.value;
      const results = CONTACTS.filter((c) => c.properties.email === email);
      return sendJson(res, 200, { total: results.length, results });
    }
    if (route === 'POST /crm/v3/objects/tickets') {
      const properties = (r.body as { properties: Record<string, string> }).properties;
      return sendJson(res, 201, { id: `T-${(tickets += 1)}`, properties });
    }
    return sendJson(res, 404, { message: 'not found' });
  });

  return { ...server, accessToken, client, tokensIssued: () => issued, revokeTokens: () => live.clear() };
}
