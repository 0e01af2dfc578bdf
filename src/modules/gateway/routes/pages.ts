import { readFileSync } from 'node:fs';
import type { Api } from '../api.js';

const template = readFileSync(new URL('../public/webchat.html', import.meta.url), 'utf8');

/** The web chat page; it talks to the tenant whose widget key it carries (the demo's by default). */
export function pageRoutes(app: Api, deps: { defaultWidgetKey: () => string | null }): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const key = deps.defaultWidgetKey() ?? '';
    return reply.type('text/html; charset=utf-8').send(template.replace('__WIDGET_KEY__', key.replace(/[^A-Za-z0-9_-]/g, '')));
  });
}
