import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request a fake platform received; `body` is parsed from JSON or a form, `raw` kept as sent. */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
  /** When it arrived (epoch ms). */
  at: number;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Recorder {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order (failures to provoke retries); then the platform's normal answer. */
  script(...answers: Answer[]): void;
  /** Resolves once `count` requests arrived (polls; fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

function parse(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A loopback HTTP server that records what it receives and answers like the platform it fakes. */
export async function startRecorder(answer: (request: Received, n: number) => Answer): Promise<Recorder> {
  const received: Received[] = [];
  const scripted: Answer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body: parse(raw, req.headers['content-type']), at: Date.now() };
      received.push(request);
      const reply = scripted.shift() ?? answer(request, received.length);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...answers) => scripted.push(...answers),
    async waitFor(count, timeoutMs = 10_000) {
      for (let waited = 0; received.length < count; waited += 20) {
        if (waited > timeoutMs) throw new Error(`expected ${count} requests, got ${received.length}`);
        await sleep(20);
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
