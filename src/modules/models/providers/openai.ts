import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatRequest, ProviderConnection, ProviderDefinition } from './provider.js';
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

/** The OpenAI chat completions API, also spoken by vLLM, Ollama, LiteLLM and Azure-style gateways. */
function openAiKind(kind: 'openai' | 'openai_compatible', defaultBaseUrl: string | null, requiresApiKey: boolean): ProviderDefinition {
  return defineProvider({
    kind,
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
                messages: [{ role: 'system', content: request.system }, ...request.messages],
                response_format: responseFormat(request),
              },
              { timeout: timeoutMs },
            );
            const message = completion.choices[0]?.message;
            if (message?.refusal) throw new ProviderCallError('invalid_output', 'The model refused to answer.');
            return {
              text: message?.content ?? '',
              tokensIn: completion.usage?.prompt_tokens ?? 0,
              tokensOut: completion.usage?.completion_tokens ?? 0,
            };
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
