import { z } from 'zod';
import type { StagedRows, TurnRecord } from '../engine/contract.js';

/**
 * Analytics: events derived from every turn (and custom metrics), staged in an outbox by the
 * transaction that produced them and relayed to the tables in batches; time-bucketed queries over
 * the module's own tables; the operators' Prometheus figures. Plain JSON in and out, tenant first
 * (except `turnRows`, which the engine stores in the turn's transaction).
 */

const metricName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'use 1–100 letters, digits, dots, dashes, colons or underscores');

export const customMetricInputSchema = z
  .strictObject({
    /** Optional client id (a UUID) with `at`: sending the same metric twice then stores it once. */
    id: z.uuid().optional(),
    name: metricName,
    value: z.number().finite().default(1),
    at: z.iso.datetime({ offset: true }).optional(),
    tags: z.record(z.string().max(100), z.string().max(200)).refine((t) => Object.keys(t).length <= 20, 'at most 20 tags').optional(),
    flowId: z.string().min(1).max(100).optional(),
    flowVersion: z.number().int().min(1).optional(),
    channel: z.string().min(1).max(40).optional(),
    conversationId: z.string().min(1).max(128).optional(),
  })
  // Events are unique by (id, time): without its own time a retried metric would get a new one.
  .refine((m) => m.id === undefined || m.at !== undefined, { message: 'a metric with an `id` needs its `at` too', path: ['at'] });
export type CustomMetricInput = z.infer<typeof customMetricInputSchema>;

export const ingestMetricsSchema = z.strictObject({ metrics: z.array(customMetricInputSchema).min(1).max(1000) });

export const BUCKETS = ['minute', 'hour', 'day'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Query string of every `GET /v1/analytics/…`: a time range (default: the last 7 days), a bucket and filters. */
export const analyticsQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  bucket: z.enum(BUCKETS).default('day'),
  flowId: z.string().min(1).max(100).optional(),
  flowVersion: z.coerce.number().int().min(1).optional(),
  channel: z.string().min(1).max(40).optional(),
  /** Only for custom metrics: one metric name. */
  name: metricName.optional(),
});
/** Bounds are optional on input: `to` defaults to now, `from` to 7 days before `to`. */
export type AnalyticsQueryInput = z.infer<typeof analyticsQuerySchema>;

const rangeSchema = z.object({ from: z.string(), to: z.string(), bucket: z.enum(BUCKETS) });
export type Range = z.infer<typeof rangeSchema>;

const rate = z.number().nullable();
export const conversationsReportSchema = rangeSchema
  .extend({
    series: z.array(z.object({ bucket: z.string(), started: z.number(), ended: z.number(), handoffs: z.number(), goalsReached: z.number() })),
    totals: z.object({ started: z.number(), ended: z.number(), handoffs: z.number(), goalsReached: z.number(), containmentRate: rate, goalCompletionRate: rate, averageTurns: rate }),
  })
  .meta({ id: 'ConversationsReport' });
export type ConversationsReport = z.infer<typeof conversationsReportSchema>;

export const messagesReportSchema = rangeSchema
  .extend({
    series: z.array(z.object({ bucket: z.string(), received: z.number(), sent: z.number(), fallbacks: z.number() })),
    totals: z.object({ received: z.number(), sent: z.number(), fallbacks: z.number(), fallbackRate: rate }),
  })
  .meta({ id: 'MessagesReport' });
export type MessagesReport = z.infer<typeof messagesReportSchema>;

export const intentsReportSchema = rangeSchema
  .extend({ intents: z.array(z.object({ intent: z.string(), count: z.number(), share: z.number(), averageConfidence: rate })) })
  .meta({ id: 'IntentsReport' });
export type IntentsReport = z.infer<typeof intentsReportSchema>;

export const funnelReportSchema = rangeSchema
  .extend({ states: z.array(z.object({ state: z.string(), entered: z.number(), droppedOff: z.number(), dropOffRate: z.number() })) })
  .meta({ id: 'FunnelReport' });
export type FunnelReport = z.infer<typeof funnelReportSchema>;

const latencyFiguresSchema = z.object({ turns: z.number(), p50: rate, p95: rate, p99: rate });
export type LatencyFigures = z.infer<typeof latencyFiguresSchema>;

export const latencyReportSchema = rangeSchema
  .extend({ series: z.array(latencyFiguresSchema.extend({ bucket: z.string() })), totals: latencyFiguresSchema })
  .meta({ id: 'LatencyReport' });
export type LatencyReport = z.infer<typeof latencyReportSchema>;

const modelCalls = { provider: z.string(), model: z.string(), calls: z.number(), failures: z.number(), tokensIn: z.number(), tokensOut: z.number(), costUsd: z.number() };
export const modelsReportSchema = rangeSchema
  .extend({ series: z.array(z.object({ bucket: z.string(), ...modelCalls })), totals: z.array(z.object({ ...modelCalls, averageLatencyMs: rate })) })
  .meta({ id: 'ModelsReport' });
export type ModelsReport = z.infer<typeof modelsReportSchema>;

export const integrationsReportSchema = rangeSchema
  .extend({
    integrations: z.array(
      z.object({ integration: z.string(), operation: z.string(), calls: z.number(), successes: z.number(), successRate: z.number(), p50: rate, p95: rate }),
    ),
  })
  .meta({ id: 'IntegrationsReport' });
export type IntegrationsReport = z.infer<typeof integrationsReportSchema>;

export const customMetricsReportSchema = rangeSchema
  .extend({ series: z.array(z.object({ bucket: z.string(), name: z.string(), count: z.number(), sum: z.number(), min: z.number(), max: z.number(), average: z.number() })) })
  .meta({ id: 'CustomMetricsReport' });
export type CustomMetricsReport = z.infer<typeof customMetricsReportSchema>;

export const liveFiguresSchema = z
  .object({
    /** Messages received in about the last minute (10-second slices). */
    messagesLastMinute: z.number(),
    /** Conversations with a message in the last 5 minutes that have not ended or been handed off. */
    activeConversations: z.number(),
  })
  .meta({ id: 'LiveFigures' });
export type LiveFigures = z.infer<typeof liveFiguresSchema>;

export interface HttpSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface Analytics {
  /**
   * Derives the turn's analytics as outbox rows for the engine to store in the turn's own
   * transaction (in the scope of `record.tenantId`): they are stored, exactly once, if and only if
   * the turn commits. Also observes the turn's Prometheus figures. Rows staged by many turns are
   * written in one statement (the engine commits turns in groups).
   */
  turnRows(record: TurnRecord): StagedRows | null;
  /** Stages custom metrics in the outbox: once it resolves they are durable, and stored within seconds. */
  ingestMetrics(tenantId: string, metrics: CustomMetricInput[]): Promise<{ accepted: number }>;
  conversations(tenantId: string, query: AnalyticsQueryInput): Promise<ConversationsReport>;
  messages(tenantId: string, query: AnalyticsQueryInput): Promise<MessagesReport>;
  intents(tenantId: string, query: AnalyticsQueryInput): Promise<IntentsReport>;
  funnel(tenantId: string, query: AnalyticsQueryInput): Promise<FunnelReport>;
  latency(tenantId: string, query: AnalyticsQueryInput): Promise<LatencyReport>;
  models(tenantId: string, query: AnalyticsQueryInput): Promise<ModelsReport>;
  integrations(tenantId: string, query: AnalyticsQueryInput): Promise<IntegrationsReport>;
  customMetrics(tenantId: string, query: AnalyticsQueryInput): Promise<CustomMetricsReport>;
  live(tenantId: string): Promise<LiveFigures>;
  /** The gateway's per-request figure for the HTTP latency histogram. */
  observeHttp(sample: HttpSample): void;
  /** A turn's wait for its group commit (queue and transaction), for the commit-wait histogram. */
  observeCommitWait(seconds: number): void;
  /** Prometheus text exposition of every operator figure. */
  prometheus(): Promise<{ contentType: string; text: string }>;
  /** Resolves once every record staged before the call is stored, by any instance (tests, benchmarks). */
  flush(): Promise<void>;
  /** Starts the relay (every instance runs one) and the hourly maintenance. */
  start(): Promise<void>;
  /** Stops the relay after a last run; records left staged are stored by another instance or after a restart. */
  stop(): Promise<void>;
}
