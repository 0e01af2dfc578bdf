import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatMessage, ChatRequest, ProviderConnection, ProviderDefinition, ToolAnswer } from './provider.js';
import { defineProvider } from './provider.js';
import { fromSdkError, ProviderCallError } from './provider-error.js';

// Servers such as Ollama take no key, but the SDK insists on one.
const NO_KEY = 'none';

function client(connection: ProviderConnection, defaultBaseUrl: string | null): OpenAI {
  return new OpenAI({
    apiKey: connection.apiKey ?? NO_KEY,
    baseURL: connection.baseUrl ?? defaultBaseUrl,
    ...(connection.fetch ? { fetch: connection.fetch } : {}),
    // Retries, timeouts and the circuit breaker are ours (retry.ts, circuit-breaker.ts), per call.
    maxRetries: 0,
    // Pinned so that the SDK never picks settings up from process.env behind config.ts's back.
    organization: null,
    project: null,
    webhookSecret: null,
  });
}

function responseFormat(request: ChatRequest): OpenAI.Chat.ChatCompletionCreateParams['response_format'] {
  if (!request.output) return undefined;
  const { name, description, schema } = request.output;
  return { type: 'json_schema', json_schema: { name, description, schema, strict: true } };
}

function toOpenAi(message: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role === 'assistant' && 'toolCalls' in message) {
    return {
      role: 'assistant',
      content: message.content || null,
      tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
    };
  }
  return { role: message.role, content: message.content };
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    throw new ProviderCallError('invalid_output', 'The model called a tool with arguments that are not JSON.');
  }
}

function toolAnswer(message: OpenAI.Chat.ChatCompletionMessage | undefined): string {
  const calls = (message?.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: parseArguments(c.function.arguments) }] : []));
  const answer: ToolAnswer = { text: message?.content ?? '', toolCalls: calls };
  return JSON.stringify(answer);
}

/** The OpenAI chat completions API, also spoken by vLLM, Ollama, LiteLLM and Azure-style gateways. */
function openAiKind<const Id extends string>(id: Id, defaultBaseUrl: string | null, requiresApiKey: boolean): ProviderDefinition<Id> {
  return defineProvider({
    id,
    defaultBaseUrl,
    requiresApiKey,
    create(connection, deps) {
      const sdk = client(connection, defaultBaseUrl);
      const classes = { api: APIError, timeout: APIConnectionTimeoutError };
      return {
        async chat(request, { timeoutMs }) {
          try {
            const completion = await sdk.chat.completions.create(
              {
                model: request.model,
                max_completion_tokens: request.maxTokens,
                messages: [{ role: 'system', content: request.system }, ...request.messages.map(toOpenAi)],
                response_format: responseFormat(request),
                ...(request.tools ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: t })) } : {}),
              },
              { timeout: timeoutMs },
            );
            const message = completion.choices[0]?.message;
            if (message?.refusal) throw new ProviderCallError('invalid_output', 'The model refused to answer.');
            return {
              text: request.tools ? toolAnswer(message) : (message?.content ?? ''),
              tokensIn: completion.usage?.prompt_tokens ?? 0,
              tokensOut: completion.usage?.completion_tokens ?? 0,
            };
          } catch (error) {
            throw fromSdkError(error, classes, deps.now());
          }
        },
        async embed(request, { timeoutMs }) {
          try {
            const response = await sdk.embeddings.create({ model: request.model, input: request.input, encoding_format: 'float' }, { timeout: timeoutMs });
            const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
            return { vectors, tokensIn: response.usage?.prompt_tokens ?? 0 };
          } catch (error) {
            throw fromSdkError(error, classes, deps.now());
          }
        },
        async listModels({ timeoutMs }) {
          try {
            const page = await sdk.models.list({ timeout: timeoutMs });
            return page.data.map((m) => m.id);
          } catch (error) {
            throw fromSdkError(error, classes, deps.now());
          }
        },
      };
    },
  });
}

export const openAiProvider = openAiKind('openai', 'https://api.openai.com/v1', true);
export const openAiCompatibleProvider = openAiKind('openai_compatible', null, false);
