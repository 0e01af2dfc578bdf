import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance, deps: { ready: () => Promise<boolean> }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
}
