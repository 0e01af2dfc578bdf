import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/JSON carries it (ids in hex). */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  service: string;
}

export interface FakeCollector {
  /** The OTLP/HTTP endpoint to configure (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  url: string;
  spans: CollectedSpan[];
  close(): Promise<void>;
}

/** A loopback OpenTelemetry collector: accepts OTLP/HTTP JSON exports at /v1/traces and keeps the spans. */
export async function startFakeCollector(): Promise<FakeCollector> {
  const spans: CollectedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !(req.headers['content-type'] ?? '').includes('json')) {
        res.writeHead(415).end();
        return;
      }
      type Export = { resourceSpans: { resource: { attributes: CollectedSpan['attributes'] }; scopeSpans: { spans: Omit<CollectedSpan, 'service'>[] }[] }[] };
      for (const rs of (JSON.parse(body) as Export).resourceSpans) {
        const service = String(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '');
        for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
