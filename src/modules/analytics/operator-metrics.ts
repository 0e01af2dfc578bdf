import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TurnRecord } from '../engine/contract.js';
import type { HttpSample } from './contract.js';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Operators' figures in Prometheus format (prom-client, the standard Node exporter). One registry
 * per app rather than prom-client's global one, so that several apps in one process (tests) do not
 * share or double-register figures. Labels stay low-cardinality: no tenant, flow or integration names.
 */
export function createOperatorMetrics(options: { backlog: () => Promise<number>; databaseBusyMs?: () => number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'mcp_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const turns = new Counter({ name: 'mcp_turns_total', help: 'Committed turns by outcome', labelNames: ['status'] as const, registers: [registry] });
  const turnSeconds = new Histogram({ name: 'mcp_turn_duration_seconds', help: 'Turn processing time under the lock', buckets: SECONDS, registers: [registry] });
  const commitWait = new Histogram({
    name: 'mcp_turn_commit_wait_seconds',
    help: 'Time a finished turn waited for its group commit (queued behind other batches, then its transaction)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const lockWait = new Histogram({ name: 'mcp_lock_wait_seconds', help: 'Time a message waited for its conversation lock', buckets: SECONDS, registers: [registry] });
  const modelCalls = new Counter({ name: 'mcp_model_calls_total', help: 'Model calls by provider, task and outcome', labelNames: ['provider', 'task', 'ok'] as const, registers: [registry] });
  const modelSeconds = new Histogram({ name: 'mcp_model_call_duration_seconds', help: 'Model call latency', labelNames: ['provider'] as const, buckets: SECONDS, registers: [registry] });
  const integrationCalls = new Counter({ name: 'mcp_integration_calls_total', help: 'Integration calls by outcome', labelNames: ['ok'] as const, registers: [registry] });
  const integrationSeconds = new Histogram({ name: 'mcp_integration_call_duration_seconds', help: 'Integration call latency', buckets: SECONDS, registers: [registry] });
  const stored = new Counter({ name: 'mcp_analytics_events_stored_total', help: 'Analytics records stored (duplicates excluded)', registers: [registry] });
  const refused = new Counter({
    name: 'mcp_analytics_records_refused_total',
    help: 'Analytics records the tables refused (bad data), set aside in analytics_outbox_refused',
    registers: [registry],
  });
  let lastBacklog = 0;
  new Gauge({
    name: 'mcp_analytics_queue_depth',
    help: 'Analytics records staged in the outbox and not yet stored, by every instance',
    registers: [registry],
    async collect() {
      // While the database is unreachable the last figure stands rather than failing the scrape.
      lastBacklog = await options.backlog().catch(() => lastBacklog);
      this.set(lastBacklog);
    },
  });

  const { databaseBusyMs } = options;
  if (databaseBusyMs) {
    new Counter({
      name: 'mcp_embedded_database_busy_seconds_total',
      help: "Time PGlite's thread was busy running statements (embedded mode); a rate near 1 means the embedded database is full",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(databaseBusyMs() / 1000);
      },
    });
  }

  return {
    observeHttp(sample: HttpSample) {
      http.observe({ method: sample.method, route: sample.route, status: String(sample.status) }, sample.seconds);
    },
    observeTurn(record: TurnRecord) {
      turns.inc({ status: record.status });
      turnSeconds.observe(record.latencyMs / 1000);
      lockWait.observe((record.lockWaitMs ?? 0) / 1000);
      for (const c of record.summary.modelCalls) {
        modelCalls.inc({ provider: c.provider, task: c.task, ok: String(c.ok) });
        modelSeconds.observe({ provider: c.provider }, c.latencyMs / 1000);
      }
      for (const c of record.summary.integrationCalls) {
        integrationCalls.inc({ ok: String(c.ok) });
        integrationSeconds.observe(c.latencyMs / 1000);
      }
    },
    observeCommitWait: (seconds: number) => commitWait.observe(seconds),
    stored: (count: number) => stored.inc(count),
    refused: () => refused.inc(),
    async render() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
