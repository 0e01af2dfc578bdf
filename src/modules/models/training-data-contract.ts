/**
 * NLU training data as its own resource: one document per name and workspace, with the intents'
 * examples and the entities (regex, lists with synonyms, built-in types) that flows share by
 * reference (`nlu: { trainingData: banking }`). Every change makes a new immutable revision.
 */
import { z } from 'zod';
import { regexProblem } from '../../shared/bounded-regex.js';
import type { EntityDefinition } from './contract.js';

export const BUILTIN_ENTITY_TYPES = ['email', 'phone', 'number', 'ordinal', 'date', 'time', 'datetime', 'url', 'money'] as const;

/** The entity definitions of the flow language (`nlu.entities`), shared by flows and training data. */
export const entityDefinitionSchema: z.ZodType<EntityDefinition> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().optional() }),
  z.strictObject({
    type: z.literal('list'),
    values: z.union([z.array(z.string().min(1)).min(1), z.record(z.string(), z.array(z.string()))]),
  }),
  z.strictObject({ type: z.enum(BUILTIN_ENTITY_TYPES) }),
]);

export const trainingDataNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use 1–64 lowercase letters, digits, dashes or underscores, starting with a letter or digit');

/** A flow pins the revision it was published with; a draft names the document and follows its latest revision. */
export const trainingDataRefSchema = z.union([trainingDataNameSchema, z.strictObject({ name: trainingDataNameSchema, revision: z.number().int().min(1) })]);
export type TrainingDataRef = z.infer<typeof trainingDataRefSchema>;

export const MAX_TRAINING_EXAMPLES = 200_000;
const intentName = z.string().trim().min(1, 'an intent needs a name').max(100, 'an intent name is at most 100 characters');
const exampleText = z.string().trim().min(1, 'an example cannot be empty').max(1000, 'an example is at most 1,000 characters');

const documentShape = z.strictObject({
  description: z.string().max(2000).optional(),
  intents: z.record(intentName, z.array(exampleText)).default({}),
  entities: z.record(z.string().min(1).max(100), entityDefinitionSchema).default({}),
});

function checkDocument(doc: z.infer<typeof documentShape>, ctx: z.RefinementCtx): void {
  const total = Object.values(doc.intents).reduce((n, examples) => n + examples.length, 0);
  if (total > MAX_TRAINING_EXAMPLES) {
    ctx.addIssue({ code: 'custom', path: ['intents'], message: `at most ${MAX_TRAINING_EXAMPLES.toLocaleString('en')} examples in one document (this one has ${total.toLocaleString('en')}); split it` });
  }
  for (const [name, def] of Object.entries(doc.entities)) {
    const problem = def.type === 'regex' ? regexProblem(def.pattern, def.flags) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['entities', name, 'pattern'], message: `entity '${name}': ${problem}` });
  }
}

export const trainingDocumentSchema = documentShape.superRefine(checkDocument);
/** A stored document as the API shows it (checked when it was stored). */
const trainingDocumentViewSchema = documentShape;
export type TrainingDocument = z.infer<typeof trainingDocumentSchema>;

/** `POST /v1/nlu/training-data`: the document with its name. */
export const createTrainingDataSchema = documentShape.extend({ name: trainingDataNameSchema }).superRefine(checkDocument);

export const TRAINING_IMPORT_FORMATS = ['rasa', 'dialogflow'] as const;
export type TrainingImportFormat = (typeof TRAINING_IMPORT_FORMATS)[number];

export const addExampleSchema = z.strictObject({
  intent: intentName,
  text: exampleText,
  /** Refuses the change (409) when the document moved past this revision in between. */
  revision: z.number().int().min(1).optional(),
});
export type AddExampleInput = z.infer<typeof addExampleSchema>;

export const trainingDataSummarySchema = z
  .object({
    name: z.string(),
    revision: z.number(),
    description: z.string().nullable(),
    intents: z.number(),
    examples: z.number(),
    entities: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TrainingDataSummary' });
export type TrainingDataSummary = z.infer<typeof trainingDataSummarySchema>;

export const trainingDataDetailSchema = trainingDataSummarySchema.extend({ document: trainingDocumentViewSchema }).meta({ id: 'TrainingDataDetail' });
export type TrainingDataDetail = z.infer<typeof trainingDataDetailSchema>;

export const importResultSchema = z
  .object({
    trainingData: trainingDataDetailSchema,
    /** What the source held that the flow language has no place for (skipped), one line each. */
    warnings: z.array(z.string()),
  })
  .meta({ id: 'TrainingDataImport' });
export type ImportResult = z.infer<typeof importResultSchema>;

/** Accuracy of the document's classifier on its held-back split (every fifth example by a hash of its text). */
export const trainingEvaluationSchema = z
  .object({
    name: z.string(),
    revision: z.number(),
    trainExamples: z.number(),
    testExamples: z.number(),
    correct: z.number(),
    /** correct / testExamples; null when there is nothing to test on. */
    accuracy: z.number().nullable(),
    evaluatedAt: z.string(),
  })
  .meta({ id: 'TrainingEvaluation' });
export type TrainingEvaluation = z.infer<typeof trainingEvaluationSchema>;

/** A message the NLU was unsure about (low confidence or fallback), as found in turn traces. */
export interface NluMiss {
  turnId: string;
  conversationId: string;
  flowId: string;
  text: string;
  intent: string;
  confidence: number | null;
  /** The classifier's best guesses, most likely first. */
  alternatives: { name: string; confidence: number }[];
  at: string;
}

/** Misses grouped by text, without those already in the document. */
export const reviewItemSchema = z
  .object({
    text: z.string(),
    count: z.number(),
    lastAt: z.string(),
    /** The most likely intent of the document, as a default for the reviewer. */
    suggestedIntent: z.string().nullable(),
    confidence: z.number().nullable(),
    conversationId: z.string(),
  })
  .meta({ id: 'ReviewItem' });
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export interface TrainingDataApi {
  list(tenantId: string): Promise<TrainingDataSummary[]>;
  /** The latest revision, or the one asked for. */
  get(tenantId: string, name: string, revision?: number): Promise<TrainingDataDetail>;
  /** `source`: YAML or JSON text, or an object, with the `name` and the document (`createTrainingDataSchema`). */
  create(tenantId: string, source: string | object): Promise<TrainingDataDetail>;
  /** Replaces the document (YAML/JSON text or object, `trainingDocumentSchema`) as a new revision; `expectedRevision` makes it conditional. */
  replace(tenantId: string, name: string, source: string | object, expectedRevision?: number): Promise<TrainingDataDetail>;
  /** Removes the name; revisions pinned by published flow versions stay readable by them. */
  delete(tenantId: string, name: string): Promise<void>;
  /** Converts a Rasa `nlu.yml` (text) or a Dialogflow ES agent export (zip bytes) and stores it as a new revision. */
  import(tenantId: string, name: string, input: { format: TrainingImportFormat; content: string | Uint8Array }): Promise<ImportResult>;
  addExample(tenantId: string, name: string, input: AddExampleInput): Promise<TrainingDataDetail>;
  /** Trains on the latest revision's training split, scores the held-back split, and keeps the result. */
  evaluate(tenantId: string, name: string): Promise<{ evaluation: TrainingEvaluation; previous: TrainingEvaluation | null }>;
  evaluations(tenantId: string, name: string): Promise<TrainingEvaluation[]>;
  /** The misses worth reviewing for this document: grouped by text, minus texts already among its examples. */
  review(tenantId: string, name: string, misses: NluMiss[]): Promise<ReviewItem[]>;
  /** The latest revision, for a flow being published (throws not_found with a hint when there is none). */
  pin(tenantId: string, name: string): Promise<{ name: string; revision: number }>;
}
