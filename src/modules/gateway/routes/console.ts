import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../../shared/app-error.js';
import type { Api } from '../api.js';

/** Where `npm run build:console` puts the console: dist/console at the repository root (same depth from src/ and dist/). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../../dist/console/', import.meta.url));

/**
 * The console only runs its own bundled scripts and talks to this origin; CodeMirror and React
 * set inline styles, hence 'unsafe-inline' for styles only.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Console not built</title>
<p>The admin console has not been built. Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it), then reload.</p>`;

/**
 * The admin console at /console: the built single-page app, hashed assets cached for good,
 * and index.html for every other path under /console (client-side routes).
 */
export function consoleRoutes(app: Api, deps: { dir?: string } = {}): void {
  const dir = deps.dir ?? CONSOLE_DIR;
  const built = existsSync(`${dir}/index.html`);

  void app.register(async (scope: Api) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CSP);
    });
    if (!built) {
      const handler = async (_request: unknown, reply: FastifyReply) => reply.status(503).type('text/html; charset=utf-8').send(notBuilt);
      scope.get('/console', { schema: { hide: true } }, handler);
      scope.get('/console/*', { schema: { hide: true } }, handler);
      return;
    }
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/console/',
      // One route per built file (read at start), so that the SPA fallback below can own /console/*.
      wildcard: false,
      index: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const page = async (_request: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
    scope.get('/console', { schema: { hide: true } }, page);
    scope.get('/console/*', { schema: { hide: true } }, async (request, reply) => {
      if (request.url.startsWith('/console/assets/')) throw new AppError('not_found', `No console file ${request.url.split('?')[0]}.`);
      return page(request, reply);
    });
  });
}
