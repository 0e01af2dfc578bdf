import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import type { Api } from '../api.js';

/** Built by `npm run build:widget` (src/widget/build.js); read per request so that a rebuild needs no restart. */
const bundle = new URL('../../../../dist/widget/widget.js', import.meta.url);
const demoPage = readFileSync(new URL('../public/widget-demo.html', import.meta.url), 'utf8');

/** A widget key is public, but it lands in HTML: only its own alphabet passes. */
export const widgetKeyQuery = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'a widget key has letters, digits, _ and -').optional() });

/**
 * The chat widget: `/widget.js` (one `<script>` tag on any site; its origin must be in the
 * tenant's `web.allowedOrigins` when those are set) and `/widget/demo`, a sample page with it.
 */
export function widgetRoutes(app: Api, deps: { defaultWidgetKey: () => string | null }): void {
  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    const code = await readFile(bundle).catch(() => {
      throw new AppError('not_found', 'The chat widget is not built: run `npm run build:widget`.');
    });
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      // Other sites load this script: helmet's default `same-origin` would make browsers refuse it.
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(code);
  });

  app.get('/widget/demo', { schema: { hide: true, querystring: widgetKeyQuery } }, async (request, reply) => {
    const key = request.query.key ?? deps.defaultWidgetKey() ?? '';
    return reply.type('text/html; charset=utf-8').send(demoPage.replaceAll('__WIDGET_KEY__', key));
  });
}
