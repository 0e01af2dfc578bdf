/**
 * Models: the model orchestrator. Every call takes the tenant first and exchanges plain JSON.
 */
import { z } from 'zod';
import type { ConverseInput, ConverseResult, EmbedResult } from './agent-contract.js';
import {
  type ModelRouting,
  type ModelSettingsInput,
  type ModelSettingsView,
  type ModelTestInput,
  type ModelTestResult,
  type ModelUsage,
  modelUsageSchema,
  type ProviderKindInfo,
} from './settings-contract.js';
import type { TrainingDataApi, TrainingDataRef } from './training-data-contract.js';

export * from './settings-contract.js';
export * from './agent-contract.js';
export * from './training-data-contract.js';

/** The `nlu` section of a flow: what the offline classifier and extractors are trained from. */
export interface FlowNlu {
  threshold?: number;
  intents?: Record<string, string[]>;
  entities?: Record<string, EntityDefinition>;
  /** A shared training-data document whose intents and entities the flow's own extend. */
  trainingData?: TrainingDataRef;
}

export type EntityDefinition =
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'list'; values: Record<string, string[]> | string[] }
  | { type: 'email' | 'phone' | 'number' | 'ordinal' | 'date' | 'time' | 'datetime' | 'url' | 'money' };

export const extractedEntitySchema = z.object({
  /** The flow's entity name (e.g. `order_id`). */
  entity: z.string(),
  /** Normalised value: a string, number, ISO date-time, `{amount, currency}` … */
  value: z.unknown(),
  /** The text it was found in, and where. */
  text: z.string(),
  start: z.number(),
  end: z.number(),
});
export type ExtractedEntity = z.infer<typeof extractedEntitySchema>;

export const intentScoreSchema = z.object({ name: z.string(), confidence: z.number() });
export type IntentScore = z.infer<typeof intentScoreSchema>;

export const nluResultSchema = z
  .object({
    /** The top intent, or `fallback` when its confidence is under the flow's threshold or the text is empty. */
    intent: intentScoreSchema,
    alternatives: z.array(intentScoreSchema),
    entities: z.array(extractedEntitySchema),
    /** Who decided the intent: `offline`, or the LLM provider the cascade asked. */
    provider: z.string(),
    /** Every model call this parse made (the offline classifier included), in order. */
    usage: z.array(modelUsageSchema),
    /** Set by the engine when the flow reads `nlu.sentiment`. */
    sentiment: z.object({ label: z.enum(['positive', 'negative', 'neutral']), score: z.number() }).optional(),
  })
  .meta({ id: 'NluResult' });
export type NluResult = z.infer<typeof nluResultSchema>;

export interface ParseInput {
  /** Identifies a trained model: the flow id and version, e.g. `flow_1@3`. Cached per key. */
  modelKey: string;
  nlu: FlowNlu;
  text: string;
  /** Reference time for relative dates ("tomorrow"), ISO 8601. */
  now?: string;
  /** Per-flow routing, laid over the tenant's settings task by task. */
  routing?: ModelRouting;
}

export interface Models {
  /** Intent and entities of one message, from the flow's own examples and entity definitions. */
  parse(tenantId: string, input: ParseInput): Promise<NluResult>;
  /** A response written by a language model; fails (and the flow uses its template) when none is configured. */
  generate(tenantId: string, input: GenerateInput): Promise<GenerateResult>;
  /** One step of an agent: a reply, or tool calls to make and send back in the next step. */
  converse(tenantId: string, input: ConverseInput): Promise<ConverseResult>;
  /** Embedding vectors, from the tenant's OpenAI or OpenAI-compatible provider; fails when it has none. */
  embed(tenantId: string, texts: string[]): Promise<EmbedResult>;
  /** Sentiment of one message: the offline lexicon, or the LLM when the tenant routes `sentiment` to one. */
  analyseSentiment(tenantId: string, text: string, options?: { routing?: ModelRouting }): Promise<SentimentAnalysis>;
  /** The tenant's providers (never their keys) and routing, with the installation's providers. */
  getSettings(tenantId: string): Promise<ModelSettingsView>;
  /** Replaces the tenant's settings; an omitted `apiKey` keeps the stored one, `null` removes it. */
  updateSettings(tenantId: string, input: ModelSettingsInput): Promise<ModelSettingsView>;
  /** The provider kinds this server has (its registry), with what each needs. */
  listProviderKinds(): ProviderKindInfo[];
  /** Checks a provider's credentials by listing its models (no tokens spent). */
  testProvider(tenantId: string, input: ModelTestInput): Promise<ModelTestResult>;
  /**
   * Trains (and caches) the model a parse with this input would use, so that the first turn does
   * not pay for it; a flow's publish calls it. Also checks that referenced training data exists.
   */
  prepare(tenantId: string, input: Omit<ParseInput, 'text' | 'now' | 'routing'>): Promise<void>;
  /** The intents a parse with this input chooses from (the flow's and its training data's), for postbacks that name one. */
  intentNames(tenantId: string, input: Omit<ParseInput, 'text' | 'now' | 'routing'>): Promise<string[]>;
  /** NLU training-data documents shared by flows. */
  trainingData: TrainingDataApi;
}

export const FALLBACK_INTENT = 'fallback';
export const DEFAULT_NLU_THRESHOLD = 0.55;

export interface GenerateInput {
  instructions: string;
  /** The conversation scope the instructions may refer to (slots, vars, saved results). */
  scope: Record<string, unknown>;
  /** Recent messages, oldest first. */
  history?: { role: 'user' | 'assistant'; text: string }[];
  routing?: ModelRouting;
}

/** `usage` lists every model call made, failed attempts and fallbacks included. */
export type GenerateResult =
  | { ok: true; text: string; provider: string; model: string; latencyMs: number; usage: ModelUsage[] }
  | { ok: false; error: { code: string; message: string }; latencyMs: number; usage: ModelUsage[] };

export const sentimentLabelSchema = z.enum(['positive', 'negative', 'neutral']);

export interface SentimentAnalysis {
  label: z.infer<typeof sentimentLabelSchema>;
  /** -1 (very negative) … 1 (very positive). */
  score: number;
  provider: string;
  usage: ModelUsage[];
}
