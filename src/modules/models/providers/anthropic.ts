import Anthropic, { APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { ChatMessage, ChatRequest, ToolAnswer } from './provider.js';
import { defineProvider } from './provider.js';
import { fromSdkError, ProviderCallError } from './provider-error.js';

/** A structured answer is a forced call of a single tool whose input schema is the answer's. */
function toolParams(request: ChatRequest): Pick<Anthropic.MessageCreateParamsNonStreaming, 'tools' | 'tool_choice'> {
  if (request.tools) return { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: { ...t.parameters, type: 'object' } })) };
  if (!request.output) return {};
  const { name, description, schema } = request.output;
  return {
    tools: [{ name, description, input_schema: { ...schema, type: 'object' } }],
    tool_choice: { type: 'tool', name, disable_parallel_tool_use: true },
  };
}

type Block = Anthropic.ContentBlockParam;

/** Messages API turns: tool calls are `tool_use` blocks, their results `tool_result` blocks of a user turn; turns alternate. */
function toAnthropic(messages: ChatMessage[]): Anthropic.MessageParam[] {
  const turns: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  for (const message of messages) {
    const role = message.role === 'tool' ? 'user' : message.role;
    const blocks: Block[] =
      message.role === 'tool'
        ? [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }]
        : [
            ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
            ...('toolCalls' in message ? message.toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.arguments })) : []),
          ];
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}

function answerText(message: Anthropic.Message, request: ChatRequest): string {
  if (request.tools) {
    const answer: ToolAnswer = {
      text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
      toolCalls: message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: (block.input ?? {}) as Record<string, unknown> }] : [])),
    };
    return JSON.stringify(answer);
  }
  if (request.output) {
    const call = message.content.find((block) => block.type === 'tool_use' && block.name === request.output?.name);
    if (!call || call.type !== 'tool_use') throw new ProviderCallError('invalid_output', 'The model did not give a structured answer.');
    return JSON.stringify(call.input);
  }
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

export const anthropicProvider = defineProvider({
  id: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  requiresApiKey: true,
  create(connection, deps) {
    const sdk = new Anthropic({
      apiKey: connection.apiKey,
      // Pinned so that the SDK never picks credentials up from process.env or files behind config.ts's back.
      authToken: null,
      baseURL: connection.baseUrl ?? 'https://api.anthropic.com',
      ...(connection.fetch ? { fetch: connection.fetch } : {}),
      // Retries, timeouts and the circuit breaker are ours (retry.ts, circuit-breaker.ts), per call.
      maxRetries: 0,
    });
    const classes = { api: APIError, timeout: APIConnectionTimeoutError };
    return {
      async chat(request, { timeoutMs }) {
        try {
          const message = await sdk.messages.create(
            { model: request.model, max_tokens: request.maxTokens, system: request.system, messages: toAnthropic(request.messages), ...toolParams(request) },
            { timeout: timeoutMs },
          );
          return { text: answerText(message, request), tokensIn: message.usage.input_tokens, tokensOut: message.usage.output_tokens };
        } catch (error) {
          throw fromSdkError(error, classes, deps.now());
        }
      },
      async listModels({ timeoutMs }) {
        try {
          const page = await sdk.models.list({}, { timeout: timeoutMs });
          return page.data.map((m) => m.id);
        } catch (error) {
          throw fromSdkError(error, classes, deps.now());
        }
      },
    };
  },
});
