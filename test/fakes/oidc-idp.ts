import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

/** What the fake says about a person beyond their e-mail (which is also their login and subject). */
export interface FakeAccount {
  name?: string;
  emailVerified?: boolean;
  /** Claims replaced or added, e.g. `{ email: undefined, upn: … }` for a provider without `email`. */
  claims?: Record<string, unknown>;
}

export interface FakeIdp {
  issuer: string;
  /** Query parameters of every authorization request the fake received, in order. */
  authorizationRequests: URLSearchParams[];
  accounts: Map<string, FakeAccount>;
  close(): Promise<void>;
}

const page = (uid: string) => `<!doctype html><meta charset="utf-8"><title>Fake IdP sign-in</title>
<h1>Fake identity provider</h1>
<form method="post" action="/interaction/${uid}/login">
  <label>E-mail <input name="email" type="email" required autofocus></label>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`;

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1, with a minimal login page of its own in place
 * of a real one: anyone signs in by typing an e-mail address, which becomes their subject; consent
 * is implied (a first-party console). PKCE is required, as a well-configured provider does.
 */
export async function startFakeIdp(clients: ClientMetadata[], options: { port?: number } = {}): Promise<FakeIdp> {
  const accounts = new Map<string, FakeAccount>();
  const authorizationRequests: URLSearchParams[] = [];
  async function interaction(idp: Provider, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const details = await idp.interactionDetails(request, response);
    if (request.method === 'POST' && path.endsWith('/abort')) {
      await idp.interactionFinished(request, response, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    } else if (request.method === 'POST' && path.endsWith('/login')) {
      const email = (await formBody(request)).get('email') ?? '';
      await idp.interactionFinished(request, response, { login: { accountId: email } }, { mergeWithLastSubmission: false });
    } else if (details.prompt.name === 'consent') {
      const grant = new idp.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await idp.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } else {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid));
    }
  }

  // The issuer names the port, so the provider is made once the server listens.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'fake-idp' }] as never },
    cookies: { keys: ['fake-idp-cookie-key'] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => {
        const account = accounts.get(id) ?? {};
        return { sub: id, email: id, email_verified: account.emailVerified ?? true, name: account.name ?? id.split('@')[0], ...account.claims };
      },
    }),
  });

  const serveProvider = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/auth') authorizationRequests.push(url.searchParams);
    if (!url.pathname.startsWith('/interaction/')) return serveProvider(request, response);
    interaction(provider, request, response, url.pathname).catch((error: unknown) => response.writeHead(500).end(String(error)));
  });

  return {
    issuer,
    authorizationRequests,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
