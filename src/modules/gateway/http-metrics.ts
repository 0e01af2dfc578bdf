import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Analytics } from '../analytics/contract.js';

/**
 * Feeds the HTTP latency histogram once a response is sent. The route is the pattern
 * (`/v1/flows/:flowId`), never the raw URL, so ids do not multiply the series; requests that
 * matched no route share one label.
 */
export function httpMetricsHook(analytics: Analytics) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    analytics.observeHttp({
      method: request.method,
      route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  };
}
