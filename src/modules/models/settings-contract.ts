/**
 * Model settings, routing and usage records: the plain-JSON shapes of the models contract that
 * concern LLM providers. Zod schemas validate them at the edges (HTTP bodies, stored rows).
 */
import { z } from 'zod';
import { PROVIDER_KINDS } from './providers/registry.js';

export const MODEL_TASKS = ['intent', 'entities', 'generate', 'sentiment'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

// Provider kinds are the registry's ids, so a new provider is one file plus one line there.
export { PROVIDER_KINDS, type ProviderKind } from './providers/registry.js';

/** One model call, for the turn trace and analytics. Offline calls appear too, at zero cost. */
export const modelUsageSchema = z
  .object({
    provider: z.string(),
    model: z.string(),
    task: z.enum(MODEL_TASKS),
    tokensIn: z.number(),
    tokensOut: z.number(),
    costUsd: z.number(),
    /** False when the model is missing from the price table (its cost then reads 0). */
    priced: z.boolean(),
    /** Answered from the cache: no tokens spent. */
    cached: z.boolean(),
    latencyMs: z.number(),
    ok: z.boolean(),
    /** `rate_limited`, `server_error`, `timeout`, `network`, `auth`, `bad_request`, `invalid_output`, `circuit_open`, `unknown_provider`. */
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'ModelUsage' });
export type ModelUsage = z.infer<typeof modelUsageSchema>;

export const providerNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'use 1–40 lowercase letters, digits, dashes and underscores, starting with a letter');

export const modelTargetSchema = z.object({
  provider: providerNameSchema,
  model: z.string().trim().min(1).max(200),
});
export type ModelTarget = z.infer<typeof modelTargetSchema>;

/** Targets of one task, tried in order: the first is the primary, the rest its fallback chain. An empty list means offline only. */
const targetsSchema = z.array(modelTargetSchema).max(5);

export const modelRoutingSchema = z.object({
  /** The LLM classifies a message only when the offline classifier's confidence is under this. */
  cascadeThreshold: z.number().min(0).max(1).optional(),
  tasks: z
    .object({ intent: targetsSchema, entities: targetsSchema, generate: targetsSchema, sentiment: targetsSchema })
    .partial()
    .optional(),
});
export type ModelRouting = z.infer<typeof modelRoutingSchema>;

export const providerInputSchema = z.object({
  kind: z.enum(PROVIDER_KINDS),
  /** Required for `openai_compatible`; optional otherwise (the provider's public API). */
  baseUrl: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// URL' }).max(500).optional(),
  /** Omitted keeps the stored key, `null` removes it. Stored encrypted, never returned. */
  apiKey: z.string().trim().min(1).max(1000).nullable().optional(),
});
export type ProviderInput = z.infer<typeof providerInputSchema>;

export const modelSettingsInputSchema = z.object({
  providers: z.record(providerNameSchema, providerInputSchema).default({}),
  routing: modelRoutingSchema.default({}),
});
export type ModelSettingsInput = z.input<typeof modelSettingsInputSchema>;

/** A provider kind as `GET /v1/models/kinds` lists it: what it needs, and the JSON Schema of its settings and credentials. */
export const providerKindInfoSchema = z
  .object({
    id: z.enum(PROVIDER_KINDS),
    /** Where calls go without a base URL; null: a provider of this kind must name one. */
    defaultBaseUrl: z.string().nullable(),
    requiresApiKey: z.boolean(),
    configSchema: z.unknown(),
    secretsSchema: z.unknown(),
  })
  .meta({ id: 'ProviderKind' });
export type ProviderKindInfo = z.infer<typeof providerKindInfoSchema>;

export const providerViewSchema = z.object({
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().nullable(),
  hasApiKey: z.boolean(),
  /** The last four characters of a long key, so people can tell keys apart; null otherwise. */
  apiKeyHint: z.string().nullable(),
  /** `installation` providers come from the server's environment; tenants may shadow them by name. */
  source: z.enum(['tenant', 'installation']),
  /** The model the installation uses by default (installation providers only). */
  defaultModel: z.string().optional(),
});
export type ProviderView = z.infer<typeof providerViewSchema>;

export const modelSettingsViewSchema = z
  .object({
    providers: z.record(z.string(), providerViewSchema),
    routing: modelRoutingSchema,
    /** The routing in effect: the tenant's, over the installation's defaults. */
    effectiveRouting: modelRoutingSchema.required(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'ModelSettings' });
export type ModelSettingsView = z.infer<typeof modelSettingsViewSchema>;

export const modelTestInputSchema = z.object({
  /** A configured provider's name, or an unsaved provider to try before saving it. */
  provider: z.union([providerNameSchema, providerInputSchema]),
});
export type ModelTestInput = z.infer<typeof modelTestInputSchema>;

export const modelTestResultSchema = z
  .union([
    z.object({ ok: z.literal(true), latencyMs: z.number(), models: z.array(z.string()) }),
    z.object({ ok: z.literal(false), latencyMs: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
  ])
  .meta({ id: 'ModelTestResult' });
export type ModelTestResult = z.infer<typeof modelTestResultSchema>;
