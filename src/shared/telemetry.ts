import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry traces, off unless an OTLP endpoint is configured. Off, nothing here is called:
 * the composition root wraps nothing, so the message path pays nothing. On, spans cover an HTTP
 * request (W3C `traceparent` in), the module calls of a turn (chat → engine → models, adaptors),
 * and every outbound HTTP request (`traceparent` out), through undici's diagnostics channel, which
 * Node's fetch, the OpenAI and Anthropic SDKs and our integration client all go through.
 */
export interface TelemetryConfig {
  /** OTLP/HTTP base URL, e.g. http://collector:4318; traces go to `${endpoint}/v1/traces`. */
  endpoint: string;
  serviceName: string;
}

export interface Telemetry {
  /** Runs `fn` in a span, child of the active one. */
  span<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T>;
  /** Wraps a Node HTTP request handler: the caller's trace context is continued in a server span. */
  serveHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Names the request's span once the route is known (`POST /v1/conversations/:id/messages`). */
  nameRequest(name: string): void;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = { keys: (h: IncomingMessage['headers']) => Object.keys(h), get: (h: IncomingMessage['headers'], k: string) => h[k] };

/** The active span's ids for a log line (pino `mixin`); nothing outside a span. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

let contextManager: AsyncLocalStorageContextManager | null = null;

export function createTelemetry(config: TelemetryConfig): Telemetry {
  // The context manager is process-wide in the OpenTelemetry API; one is enough for every app.
  if (!contextManager) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.endpoint.replace(/\/$/, '')}/v1/traces` }))],
  });
  const tracer = provider.getTracer('mcp-engine');
  const unsubscribe = traceOutboundHttp(tracer, config.endpoint);

  return {
    span: (name, attributes, fn) =>
      tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await fn();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      }),
    serveHttp: (handler) => (req, res) => {
      const parent = propagator.extract(context.active(), req.headers, headerGetter);
      const span = tracer.startSpan(`${req.method} ${req.url?.split('?')[0]}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } }, parent);
      const active = trace.setSpan(parent, span);
      res.once('close', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      // The body arrives in later events of the socket: they must run in the request's context too.
      context.bind(active, req);
      context.bind(active, res);
      context.with(active, () => handler(req, res));
    },
    nameRequest: (name) => trace.getSpan(context.active())?.updateName(name),
    async shutdown() {
      unsubscribe();
      await provider.shutdown();
    },
  };
}

interface UndiciRequest {
  method: string;
  origin: string;
  path: string;
  /** A raw header block (undici 6) or name/value pairs (undici 7). */
  headers: string | string[];
  addHeader(name: string, value: string): void;
}

/** A request that already carries a trace context (a proxy passing its caller's on) keeps it. */
const carriesTrace = (headers: string | string[]) => (Array.isArray(headers) ? headers.join('\n') : headers).toLowerCase().includes('traceparent');

/** Client spans for every outbound HTTP request, with `traceparent` added; the exporter's own requests are left alone. */
function traceOutboundHttp(tracer: Tracer, endpoint: string): () => void {
  const spans = new WeakMap<object, Span>();
  const exporterOrigin = new URL(endpoint).origin;
  const onCreate = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    // Outside a request (the outbox delivering a reply, a health check) the call starts its own trace.
    if (request.origin === exporterOrigin || carriesTrace(request.headers)) return;
    const span = tracer.startSpan(`${request.method} ${new URL(request.origin).host}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method, 'server.address': request.origin } });
    spans.set(request, span);
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(context.active(), span), carrier, { set: (c, k, v) => (c[k] = v) });
    for (const [name, value] of Object.entries(carrier)) request.addHeader(name, value);
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: object; response: { statusCode: number } };
    const span = spans.get(request);
    span?.setAttribute('http.response.status_code', response.statusCode);
    if (span && response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  };
  const onEnd = (message: unknown) => {
    const { request, error } = message as { request: object; error?: Error };
    const span = spans.get(request);
    if (!span) return;
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    spans.delete(request);
  };
  const channels: [string, (message: unknown) => void][] = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', onEnd],
    ['undici:request:error', onEnd],
  ];
  for (const [name, fn] of channels) diagnosticsChannel.subscribe(name, fn);
  return () => channels.forEach(([name, fn]) => diagnosticsChannel.unsubscribe(name, fn));
}

/** The same object with the named methods each run in a span `${prefix}.${method}`; the tenant as an attribute. */
export function traceMethods<T extends object>(telemetry: Telemetry | null, prefix: string, target: T, methods: readonly (keyof T & string)[]): T {
  if (!telemetry) return target;
  const wrapped = Object.create(target) as T;
  for (const method of methods) {
    const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[method] = (...args: unknown[]) =>
      telemetry.span(`${prefix}.${method}`, typeof args[0] === 'string' ? { 'mcp.tenant_id': args[0] } : {}, () => original.apply(target, args));
  }
  return wrapped;
}

