import { z } from 'zod';
import { defineExtension, type Extension } from '../../../shared/define-extension.js';

/** A tool call the model asked for; `arguments` is what it passed (parsed JSON). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'user' | 'assistant'; content: string }
  /** The model's earlier turn that called tools. */
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  /** What one of those calls returned. */
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object). */
  parameters: Record<string, unknown>;
}

/** One chat call, in the terms every provider shares. */
export interface ChatRequest {
  model: string;
  /** The builder's and our instructions only: user text never goes here. */
  system: string;
  messages: ChatMessage[];
  /** When set, the answer must be a JSON object of this schema (structured output or a forced tool call). */
  output?: { name: string; description: string; schema: Record<string, unknown> };
  /** Tools the model may call. The answer's `text` is then the JSON of `ToolAnswer`. */
  tools?: ToolDefinition[];
  maxTokens: number;
}

/** The answer to a request with tools: its text and the calls it asks for (none: it is done). */
export interface ToolAnswer {
  text: string;
  toolCalls: ToolCall[];
}

export interface ChatResponse {
  /** The text answer, or the structured answer as JSON text. */
  text: string;
  tokensIn: number;
  tokensOut: number;
}

export interface ProviderConnection {
  baseUrl: string | null;
  apiKey: string | null;
  /** For tenant-configured servers: a fetch that refuses internal addresses (SSRF guard). */
  fetch?: typeof fetch;
}

export interface ProviderClient {
  chat(request: ChatRequest, options: { timeoutMs: number }): Promise<ChatResponse>;
  /** Model ids the credentials can use: the cheapest call that proves them. */
  listModels(options: { timeoutMs: number }): Promise<string[]>;
  /** Embedding vectors of `input`, in order; only providers with an embeddings API have it. */
  embed?(request: { model: string; input: string[] }, options: { timeoutMs: number }): Promise<{ vectors: number[][]; tokensIn: number }>;
}

const missingOr = (missing: string, invalid?: string) => (issue: { input?: unknown }) => (issue.input === undefined ? missing : invalid);
const baseUrlSchema = (missing: string) => z.url({ protocol: /^https?$/, error: missingOr(missing, 'use an http:// or https:// URL') }).max(500);
const apiKeySchema = z.string({ error: missingOr('needs an API key') }).trim().min(1).max(1000);

type ProviderConfigSchema = z.ZodObject<{ baseUrl: z.ZodType<string | undefined> }>;
type ProviderSecretsSchema = z.ZodObject<{ apiKey: z.ZodType<string | undefined> }>;

/** A provider kind, as data plus a factory (STYLE §4). Failures surface as `ProviderCallError`. */
export interface ProviderDefinition<Id extends string = string> extends Extension<'model-provider', Id, ProviderConfigSchema, ProviderSecretsSchema> {
  /** Where calls go when a provider of this kind names no base URL; null: it must name one. */
  defaultBaseUrl: string | null;
  requiresApiKey: boolean;
  create(connection: ProviderConnection, deps: { now: () => number }): ProviderClient;
}

/** The settings and credential schemas follow from whether the kind has a public API and needs a key. */
export function defineProvider<const Id extends string>(definition: Omit<ProviderDefinition<Id>, 'kind' | 'configSchema' | 'secretsSchema'>): ProviderDefinition<Id> {
  const baseUrl = baseUrlSchema('give the base URL of its server, e.g. http://localhost:11434/v1');
  return defineExtension({
    kind: 'model-provider',
    ...definition,
    configSchema: z.object({ baseUrl: definition.defaultBaseUrl === null ? baseUrl : baseUrl.optional() }),
    secretsSchema: z.object({ apiKey: definition.requiresApiKey ? apiKeySchema : apiKeySchema.optional() }),
  });
}
