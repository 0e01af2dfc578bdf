import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake answers one request with. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer this late (to provoke client timeouts). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | null;
}

export interface ScriptedServer {
  origin: string;
  requests: RecordedRequest[];
  /** Replies for the next requests, in order; after them, the default answer. */
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** A loopback HTTP server that records every request and answers from a script, then from `answer`. */
export async function startScriptedServer(answer: (request: RecordedRequest) => FakeReply): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
      requests.push(recorded);
      const reply = queue.shift() ?? answer(recorded);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      };
      if (!reply.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A chat completion whose message is `content` (objects are sent as JSON text, as structured outputs are). */
export function completion(content: string | object, usage = { prompt_tokens: 1000, completion_tokens: 200 }): FakeReply {
  return {
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake',
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', refusal: null, content: typeof content === 'string' ? content : JSON.stringify(content) } }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

/** A chat completion that calls tools (the agent's steps), with optional text alongside. */
export function toolCalls(calls: { name: string; arguments: object }[], content: string | null = null, usage = { prompt_tokens: 1000, completion_tokens: 200 }): FakeReply {
  const tool_calls = calls.map((c, i) => ({ id: `call_${i + 1}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  return {
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake',
      choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', refusal: null, content, tool_calls } }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

/**
 * Deterministic stand-in embeddings: each lower-cased word of four letters or more (stripped of a
 * plural s) adds to one of 256 dimensions, so texts sharing words are close, as with a real model,
 * with no weights to load. Short words ("the", "of") would make every text look alike.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(256).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (word.length < 4) continue;
    const stem = word.replace(/s$/, '');
    let hash = 0;
    for (const ch of stem) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    vector[hash % 256]! += 1;
  }
  return vector;
}

export const openAiError = (status: number, headers: Record<string, string> = {}): FakeReply => ({
  status,
  headers,
  body: { error: { message: `fake error ${status}`, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } },
});

export interface FakeOpenAi extends ScriptedServer {
  /** The base URL to give the SDK (`OPENAI_BASE_URL`), with `/v1`. */
  url: string;
  /** The default answer of chat completions. */
  answerWith(reply: FakeReply): void;
  /** Chat completion requests only. */
  chats(): RecordedRequest[];
}

/**
 * A fake of the OpenAI API (and of OpenAI-compatible servers): `POST /v1/chat/completions` and
 * `GET /v1/models`. With `apiKey`, other bearer tokens get a 401, as the real API answers.
 */
export async function startFakeOpenAi(options: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  let chatAnswer: FakeReply = completion({ intent: 'fallback', confidence: 0 });
  const server = await startScriptedServer((request) => {
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } };
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      return { body: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }] } };
    }
    if (request.method === 'POST' && request.path === '/v1/chat/completions') return chatAnswer;
    if (request.method === 'POST' && request.path === '/v1/embeddings') {
      const input = request.body?.input;
      const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
      const data = texts.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) }));
      return { body: { object: 'list', data, model: String(request.body?.model ?? ''), usage: { prompt_tokens: texts.length * 10, total_tokens: texts.length * 10 } } };
    }
    return { status: 404, body: { error: { message: 'not found', type: 'invalid_request_error' } } };
  });
  return {
    ...server,
    url: `${server.origin}/v1`,
    answerWith: (reply) => {
      chatAnswer = reply;
    },
    chats: () => server.requests.filter((r) => r.path === '/v1/chat/completions'),
  };
}
