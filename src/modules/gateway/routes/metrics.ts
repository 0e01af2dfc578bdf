import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import type { Analytics } from '../../analytics/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics` for Prometheus, at the root like `/healthz`. Operators usually scrape it inside
 * their network; with MCP_METRICS_TOKEN set it also needs `Authorization: Bearer <token>`.
 */
export function metricsRoutes(app: Api, deps: { analytics: Analytics; metricsToken?: string | undefined }): void {
  const expected = deps.metricsToken === undefined ? null : digest(`Bearer ${deps.metricsToken}`);
  app.get(
    '/metrics',
    { config: { permission: 'public' }, schema: {
        summary: 'Operator figures in Prometheus text format',
        tags: ['operations'],
        response: { ...responses({}), 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } } },
      } },
    async (request, reply) => {
      // Comparing digests keeps the comparison constant-time whatever the header's length.
      if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
        throw new AppError('unauthorized', 'GET /metrics needs `Authorization: Bearer <MCP_METRICS_TOKEN>`.');
      }
      const { contentType, text } = await deps.analytics.prometheus();
      return reply.type(contentType).send(text);
    },
  );
}
