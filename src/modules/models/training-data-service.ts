import { AppError } from '../../shared/app-error.js';
import { evaluateHeldBack } from './held-back-split.js';
import type { IntentTrainer } from './nlu/intent-trainer.js';
import {
  type NluMiss,
  type ReviewItem,
  type TrainingDataApi,
  type TrainingDataDetail,
  type TrainingDocument,
  createTrainingDataSchema,
  trainingDocumentSchema,
} from './training-data-contract.js';
import { parseTrainingSource } from './training-data-source.js';
import { convertDialogflowAgent } from './training-import/dialogflow-agent.js';
import { convertRasaNlu } from './training-import/rasa-nlu.js';
import { notFound, type TrainingDataStore } from './training-data-store.js';

const normalised = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/** Imported documents pass the same checks as written ones (a Rasa regex RE2 refuses, an empty intent name). */
function checked(document: TrainingDocument): TrainingDocument {
  const parsed = trainingDocumentSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AppError('bad_request', `The imported training data is not valid: ${issue.path.join('.')}: ${issue.message}.`, {
    details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  });
}

function groupMisses(misses: NluMiss[], known: Set<string>): ReviewItem[] {
  const items = new Map<string, ReviewItem>();
  // Misses arrive newest first: the first of a text sets its latest time and suggestion.
  for (const miss of misses) {
    const key = normalised(miss.text);
    if (!key || known.has(key)) continue;
    const item = items.get(key);
    if (item) item.count += 1;
    else {
      const best = miss.alternatives[0] ?? null;
      items.set(key, { text: miss.text.trim(), count: 1, lastAt: miss.at, suggestedIntent: best?.name ?? null, confidence: best?.confidence ?? miss.confidence, conversationId: miss.conversationId });
    }
  }
  return [...items.values()].sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
}

/** Training data documents: CRUD with revisions, imports, adding reviewed examples, held-back evaluation. */
export function createTrainingDataService(storage: TrainingDataStore | null, trainer: IntentTrainer): TrainingDataApi {
  // Conversation tests from the CLI and benchmarks run the models without a database.
  const unavailable = () => new AppError('unavailable', 'NLU training data needs the database; this process runs without one.');
  const store = storage ?? new Proxy({} as TrainingDataStore, { get: () => () => Promise.reject(unavailable()) });

  async function require(tenantId: string, name: string, revision?: number): Promise<TrainingDataDetail> {
    const found = await store.get(tenantId, name, revision);
    if (!found) throw revision === undefined ? notFound(name) : new AppError('not_found', `NLU training data '${name}' has no revision ${revision}.`);
    return found;
  }

  const conflictUnless = (current: TrainingDataDetail, expected: number | undefined) => {
    if (expected !== undefined && current.revision !== expected) {
      throw new AppError('conflict', `NLU training data '${current.name}' is at revision ${current.revision}, not ${expected}; reload it and apply your change again.`);
    }
  };

  return {
    list: (tenantId) => store.list(tenantId),
    get: (tenantId, name, revision) => require(tenantId, name, revision),

    async create(tenantId, source) {
      const { name, ...document } = parseTrainingSource(source, createTrainingDataSchema);
      return store.write(tenantId, name, (current) => {
        if (current) throw new AppError('conflict', `NLU training data named '${name}' already exists; replace it with PUT /v1/nlu/training-data/${name}.`);
        return document;
      });
    },

    async replace(tenantId, name, source, expectedRevision) {
      const document = parseTrainingSource(source, trainingDocumentSchema);
      return store.write(tenantId, name, (current) => {
        if (!current) throw notFound(name);
        conflictUnless(current, expectedRevision);
        return document;
      });
    },

    async delete(tenantId, name) {
      if (!(await store.delete(tenantId, name))) throw notFound(name);
    },

    async import(tenantId, name, input) {
      const converted =
        input.format === 'rasa'
          ? convertRasaNlu(typeof input.content === 'string' ? input.content : new TextDecoder().decode(input.content))
          : convertDialogflowAgent(typeof input.content === 'string' ? new TextEncoder().encode(input.content) : input.content);
      const document = checked(converted.document);
      // An import replaces the document (or creates it): the source is the truth it was exported from.
      const trainingData = await store.write(tenantId, name, (current) => ({ ...document, ...(current?.document.description ? { description: current.document.description } : {}) }));
      return { trainingData, warnings: converted.warnings };
    },

    addExample: (tenantId, name, input) =>
      store.write(tenantId, name, (current) => {
        if (!current) throw notFound(name);
        conflictUnless(current, input.revision);
        const examples = current.document.intents[input.intent];
        if (!examples) {
          throw new AppError('bad_request', `'${name}' has no intent '${input.intent}'; pick one of its ${Object.keys(current.document.intents).length} intents or add the intent first.`);
        }
        if (examples.some((e) => normalised(e) === normalised(input.text))) {
          throw new AppError('conflict', `'${input.text}' is already an example of '${input.intent}'.`);
        }
        return { ...current.document, intents: { ...current.document.intents, [input.intent]: [...examples, input.text] } };
      }),

    async evaluate(tenantId, name) {
      const current = await require(tenantId, name);
      const [previous] = (await store.evaluations(tenantId, name, 50)).filter((e) => e.revision < current.revision);
      const figures = await evaluateHeldBack(current.document.intents, trainer);
      const evaluation = await store.saveEvaluation(tenantId, { name, revision: current.revision, ...figures });
      return { evaluation, previous: previous ?? null };
    },

    async evaluations(tenantId, name) {
      await require(tenantId, name);
      return store.evaluations(tenantId, name);
    },

    async review(tenantId, name, misses) {
      const current = await require(tenantId, name);
      const known = new Set(Object.values(current.document.intents).flatMap((examples) => examples.map(normalised)));
      const intents = new Set(Object.keys(current.document.intents));
      // A suggestion must be one of this document's intents, or the reviewer picks one.
      return groupMisses(misses, known).map((item) => (item.suggestedIntent && intents.has(item.suggestedIntent) ? item : { ...item, suggestedIntent: null }));
    },

    async pin(tenantId, name) {
      const revision = await store.latestRevision(tenantId, name);
      if (revision === null) throw notFound(name);
      return { name, revision };
    },
  };
}
