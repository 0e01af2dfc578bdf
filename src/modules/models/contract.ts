/**
 * Models: the model orchestrator. Every call takes the tenant first and exchanges plain JSON.
 */

/** The `nlu` section of a flow: what the offline classifier and extractors are trained from. */
export interface FlowNlu {
  threshold?: number;
  intents?: Record<string, string[]>;
  entities?: Record<string, EntityDefinition>;
}

export type EntityDefinition =
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'list'; values: Record<string, string[]> | string[] }
  | { type: 'email' | 'phone' | 'number' | 'ordinal' | 'date' | 'time' | 'datetime' | 'url' | 'money' };

export interface ExtractedEntity {
  /** The flow's entity name (e.g. `order_id`). */
  entity: string;
  /** Normalised value: a string, number, ISO date-time, `{amount, currency}` … */
  value: unknown;
  /** The text it was found in, and where. */
  text: string;
  start: number;
  end: number;
}

export interface IntentScore {
  name: string;
  confidence: number;
}

export interface NluResult {
  /** The top intent, or `fallback` when its confidence is under the flow's threshold or the text is empty. */
  intent: IntentScore;
  alternatives: IntentScore[];
  entities: ExtractedEntity[];
  provider: string;
}

export interface ParseInput {
  /** Identifies a trained model: the flow id and version, e.g. `flow_1@3`. Cached per key. */
  modelKey: string;
  nlu: FlowNlu;
  text: string;
  /** Reference time for relative dates ("tomorrow"), ISO 8601. */
  now?: string;
}

export interface Models {
  /** Intent and entities of one message, from the flow's own examples and entity definitions. */
  parse(tenantId: string, input: ParseInput): Promise<NluResult>;
  /** A response written by a language model; fails (and the flow uses its template) when none is configured. */
  generate(tenantId: string, input: GenerateInput): Promise<GenerateResult>;
}

export const FALLBACK_INTENT = 'fallback';
export const DEFAULT_NLU_THRESHOLD = 0.55;

export interface GenerateInput {
  instructions: string;
  /** The conversation scope the instructions may refer to (slots, vars, saved results). */
  scope: Record<string, unknown>;
}

export type GenerateResult =
  | { ok: true; text: string; provider: string; model: string; latencyMs: number }
  | { ok: false; error: { code: string; message: string }; latencyMs: number };
