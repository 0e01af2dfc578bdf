import { readFileSync } from 'node:fs';
import type { Api } from '../api.js';
import { widgetKeyQuery } from './widget.js';

const template = readFileSync(new URL('../public/webchat.html', import.meta.url), 'utf8');

/** The web chat page (the chat widget, full page); it talks to the tenant whose widget key it carries (`?key=`, the demo's by default). */
export function pageRoutes(app: Api, deps: { defaultWidgetKey: () => string | null }): void {
  app.get('/', { schema: { hide: true, querystring: widgetKeyQuery } }, async (request, reply) => {
    const key = request.query.key ?? deps.defaultWidgetKey() ?? '';
    return reply.type('text/html; charset=utf-8').send(template.replaceAll('__WIDGET_KEY__', key));
  });
}
