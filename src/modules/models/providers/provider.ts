import type { ProviderKind } from '../settings-contract.js';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** One chat call, in the terms every provider shares. */
export interface ChatRequest {
  model: string;
  /** The builder's and our instructions only: user text never goes here. */
  system: string;
  messages: ChatMessage[];
  /** When set, the answer must be a JSON object of this schema (structured output or a forced tool call). */
  output?: { name: string; description: string; schema: Record<string, unknown> };
  maxTokens: number;
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
}

/** A provider kind, as data plus a factory (STYLE §4). Failures surface as `ProviderCallError`. */
export interface ProviderDefinition {
  kind: ProviderKind;
  defaultBaseUrl: string | null;
  requiresApiKey: boolean;
  create(connection: ProviderConnection, deps: { now: () => number }): ProviderClient;
}

export const defineProvider = (definition: ProviderDefinition): ProviderDefinition => definition;
