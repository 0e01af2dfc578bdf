import { z } from 'zod';
import {
  analyticsQuerySchema,
  type Analytics,
  conversationsReportSchema,
  customMetricsReportSchema,
  funnelReportSchema,
  ingestMetricsSchema,
  integrationsReportSchema,
  intentsReportSchema,
  latencyReportSchema,
  liveFiguresSchema,
  messagesReportSchema,
  modelsReportSchema,
} from '../../analytics/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['analytics'];
const querystring = analyticsQuerySchema;
const read = { permission: 'analytics:read' as const };

/** Time-bucketed analytics of the caller's workspace; every query takes `from`, `to`, `bucket` and filters. */
export function analyticsRoutes(app: Api, deps: { analytics: Analytics }): void {
  const { analytics } = deps;
  const options = <Report extends z.ZodType>(summary: string, report: Report) => ({ config: read, schema: { summary, tags, querystring, response: responses({ 200: report }) } });
  app.get(
    '/analytics/conversations',
    options('Conversations started, ended, handed off; containment, goal completion, average turns', conversationsReportSchema),
    async (request) => analytics.conversations(tenantOf(request), request.query),
  );
  app.get('/analytics/messages', options('Messages received and sent; fallback rate', messagesReportSchema), async (request) =>
    analytics.messages(tenantOf(request), request.query),
  );
  app.get('/analytics/intents', options('Intent distribution with average confidence', intentsReportSchema), async (request) =>
    analytics.intents(tenantOf(request), request.query),
  );
  app.get('/analytics/funnel', options('Drop-off funnel per state', funnelReportSchema), async (request) => analytics.funnel(tenantOf(request), request.query));
  app.get('/analytics/latency', options('Reply latency p50/p95/p99 (ms)', latencyReportSchema), async (request) => analytics.latency(tenantOf(request), request.query));
  app.get('/analytics/models', options('Model calls, tokens and cost by provider and model', modelsReportSchema), async (request) =>
    analytics.models(tenantOf(request), request.query),
  );
  app.get('/analytics/integrations', options('Integration success rate and latency', integrationsReportSchema), async (request) =>
    analytics.integrations(tenantOf(request), request.query),
  );
  app.get('/analytics/custom-metrics', options('Custom metrics (flow `emit` actions and POST /v1/analytics/metrics)', customMetricsReportSchema), async (request) =>
    analytics.customMetrics(tenantOf(request), request.query),
  );

  app.get('/analytics/live', { config: read, schema: { summary: 'Real-time figures: messages in the last minute, active conversations', tags, response: responses({ 200: liveFiguresSchema }) } }, async (request) =>
    analytics.live(tenantOf(request)),
  );

  app.post(
    '/analytics/metrics',
    { config: { permission: 'analytics:write' }, schema: { summary: 'Record custom metrics (stored within seconds)', tags, body: ingestMetricsSchema, response: responses({ 202: z.object({ accepted: z.number() }) }) } },
    async (request, reply) => reply.status(202).send(await analytics.ingestMetrics(tenantOf(request), request.body.metrics)),
  );
}
