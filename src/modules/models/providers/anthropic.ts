import Anthropic, { APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { ChatRequest } from './provider.js';
import { defineProvider } from './provider.js';
import { fromSdkError, ProviderCallError } from './provider-error.js';

/** A structured answer is a forced call of a single tool whose input schema is the answer's. */
function toolParams(request: ChatRequest): Pick<Anthropic.MessageCreateParamsNonStreaming, 'tools' | 'tool_choice'> {
  if (!request.output) return {};
  const { name, description, schema } = request.output;
  return {
    tools: [{ name, description, input_schema: { ...schema, type: 'object' } }],
    tool_choice: { type: 'tool', name, disable_parallel_tool_use: true },
  };
}

function answerText(message: Anthropic.Message, request: ChatRequest): string {
  if (request.output) {
    const call = message.content.find((block) => block.type === 'tool_use' && block.name === request.output?.name);
    if (!call || call.type !== 'tool_use') throw new ProviderCallError('invalid_output', 'The model did not give a structured answer.');
    return JSON.stringify(call.input);
  }
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

export const anthropicProvider = defineProvider({
  kind: 'anthropic',
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
            { model: request.model, max_tokens: request.maxTokens, system: request.system, messages: request.messages, ...toolParams(request) },
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
