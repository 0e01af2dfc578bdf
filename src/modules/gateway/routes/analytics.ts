import { analyticsQuerySchema, type Analytics, ingestMetricsSchema } from '../../analytics/contract.js';
import type { Api } from '../api.js';
import { tenantOf } from '../auth.js';

const tags = ['analytics'];
const querystring = analyticsQuerySchema;
const read = { permission: 'analytics:read' as const };

/** Time-bucketed analytics of the caller's workspace; every query takes `from`, `to`, `bucket` and filters. */
export function analyticsRoutes(app: Api, deps: { analytics: Analytics }): void {
  const { analytics } = deps;
  const reports = {
    conversations: ['Conversations started, ended, handed off; containment, goal completion, average turns', analytics.conversations],
    messages: ['Messages received and sent; fallback rate', analytics.messages],
    intents: ['Intent distribution with average confidence', analytics.intents],
    funnel: ['Drop-off funnel per state', analytics.funnel],
    latency: ['Reply latency p50/p95/p99 (ms)', analytics.latency],
    models: ['Model calls, tokens and cost by provider and model', analytics.models],
    integrations: ['Integration success rate and latency', analytics.integrations],
    'custom-metrics': ['Custom metrics (flow `emit` actions and POST /v1/analytics/metrics)', analytics.customMetrics],
  } as const;

  for (const [path, [summary, query]] of Object.entries(reports)) {
    app.get(`/analytics/${path}`, { config: read, schema: { summary, tags, querystring } }, async (request) =>
      query(tenantOf(request), request.query),
    );
  }

  app.get('/analytics/live', { config: read, schema: { summary: 'Real-time figures: messages in the last minute, active conversations', tags } }, async (request) =>
    analytics.live(tenantOf(request)),
  );

  app.post(
    '/analytics/metrics',
    { config: { permission: 'analytics:write' }, schema: { summary: 'Record custom metrics (stored within seconds)', tags, body: ingestMetricsSchema } },
    async (request, reply) => reply.status(202).send(await analytics.ingestMetrics(tenantOf(request), request.body.metrics)),
  );
}
