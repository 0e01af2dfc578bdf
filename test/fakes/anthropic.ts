import { type FakeReply, type RecordedRequest, type ScriptedServer, startScriptedServer } from './openai.js';

/** A Messages API answer: a forced tool call carrying `input`, or plain text. */
export function message(answer: { tool?: string; input?: object; text?: string }, usage = { input_tokens: 1000, output_tokens: 200 }): FakeReply {
  const content = answer.tool ? [{ type: 'tool_use', id: 'toolu_fake', name: answer.tool, input: answer.input ?? {} }] : [{ type: 'text', text: answer.text ?? '' }];
  return {
    body: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: 'fake',
      content,
      stop_reason: answer.tool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { ...usage, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    },
  };
}

export const anthropicError = (status: number, headers: Record<string, string> = {}): FakeReply => ({
  status,
  headers,
  body: { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: `fake error ${status}` } },
});

export interface FakeAnthropic extends ScriptedServer {
  /** The base URL to give the SDK (`ANTHROPIC_BASE_URL`), without `/v1`. */
  url: string;
  answerWith(reply: FakeReply): void;
  /** Messages requests only. */
  calls(): RecordedRequest[];
}

/** A fake of the Anthropic API: `POST /v1/messages` and `GET /v1/models`, checking the key when given one. */
export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  let messageAnswer: FakeReply = message({ text: 'Hello from the fake.' });
  const server = await startScriptedServer((request) => {
    // SDK 1.x sends the key as a bearer token; older clients send `x-api-key`.
    const presented = request.headers['x-api-key'] ?? String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (options.apiKey && presented !== options.apiKey) {
      return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } };
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      const model = { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' };
      return { body: { data: [model], has_more: false, first_id: model.id, last_id: model.id } };
    }
    if (request.method === 'POST' && request.path === '/v1/messages') return messageAnswer;
    return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'not found' } } };
  });
  return {
    ...server,
    url: server.origin,
    answerWith: (reply) => {
      messageAnswer = reply;
    },
    calls: () => server.requests.filter((r) => r.path === '/v1/messages'),
  };
}
