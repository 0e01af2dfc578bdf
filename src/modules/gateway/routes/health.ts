import type { Api } from '../api.js';

export function healthRoutes(app: Api, deps: { ready: () => Promise<boolean> }): void {
  app.get('/healthz', { config: { permission: 'public' }, schema: { summary: 'Liveness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { summary: 'Readiness: the database answers', tags: ['operations'] } }, async (_request, reply) => {
    const ready = await deps.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
}
