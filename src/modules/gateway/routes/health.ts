import { z } from 'zod';
import type { Api } from '../api.js';
import { responses } from '../responses.js';

export function healthRoutes(app: Api, deps: { ready: () => Promise<boolean> }): void {
  app.get('/healthz', { config: { permission: 'public' }, schema: { summary: 'Liveness', tags: ['operations'], response: responses({ 200: z.object({ status: z.literal('ok') }) }) } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { config: { permission: 'public' }, schema: {
      summary: 'Readiness: the database answers',
      tags: ['operations'],
      response: { ...responses({ 200: z.object({ status: z.literal('ready') }) }), 503: z.object({ status: z.literal('not_ready') }) },
    } }, async (_request, reply) => {
    const ready = await deps.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send(ready ? { status: 'ready' as const } : { status: 'not_ready' as const });
  });
}
