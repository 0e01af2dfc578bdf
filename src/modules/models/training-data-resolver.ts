import { AppError } from '../../shared/app-error.js';
import type { FlowNlu, ParseInput } from './contract.js';
import { LruCache } from './model-cache.js';
import type { TrainingDocument } from './training-data-contract.js';
import { notFound, type TrainingDataStore } from './training-data-store.js';

/** A flow's own intents and entities laid over the document's: same-named intents add examples, same-named entities replace. */
function merge(own: FlowNlu, document: TrainingDocument): FlowNlu {
  const intents: Record<string, string[]> = { ...document.intents };
  for (const [name, examples] of Object.entries(own.intents ?? {})) intents[name] = [...(intents[name] ?? []), ...examples];
  return {
    ...(own.threshold !== undefined ? { threshold: own.threshold } : {}),
    intents,
    entities: { ...document.entities, ...own.entities },
  };
}

/**
 * Turns a parse whose flow references training data into one over the merged examples. Published
 * flow versions name a pinned revision: its document is read from the database once per process
 * (then cached; revisions never change) and the turn path makes no query. Drafts name the document
 * only and follow its latest revision, which costs them one small query per parse.
 */
export function createTrainingDataResolver(store: TrainingDataStore | null, cacheSize: number) {
  const documents = new LruCache<Promise<TrainingDocument>>(Math.max(8, Math.ceil(cacheSize / 10)));
  const merged = new LruCache<{ key: string; nlu: FlowNlu }>(cacheSize);

  function documentAt(tenantId: string, name: string, revision: number): Promise<TrainingDocument> {
    const key = `${tenantId}:${name}@${revision}`;
    let loading = documents.get(key);
    if (!loading) {
      loading = store!.get(tenantId, name, revision).then((detail) => {
        if (!detail) throw new AppError('not_found', `NLU training data '${name}' has no revision ${revision} in this workspace.`);
        return detail.document;
      });
      // Concurrent turns share one load; a failed load is not remembered.
      loading.catch(() => documents.delete(key));
      documents.set(key, loading);
    }
    return loading;
  }

  return {
    async resolve(tenantId: string, input: ParseInput): Promise<ParseInput> {
      const ref = input.nlu.trainingData;
      if (ref === undefined) return input;
      if (!store) throw new AppError('unavailable', `The flow uses NLU training data '${typeof ref === 'string' ? ref : ref.name}', which needs the database; this process runs without one.`);
      const name = typeof ref === 'string' ? ref : ref.name;
      const revision = typeof ref === 'string' ? await store.latestRevision(tenantId, ref) : ref.revision;
      if (revision === null) throw notFound(name);
      // The tenant is in the key, so equal model keys of two tenants never share.
      const cacheKey = `${tenantId}:${input.modelKey}+${name}@${revision}`;
      let hit = merged.get(cacheKey);
      if (!hit) {
        hit = { key: `${input.modelKey}+${name}@${revision}`, nlu: merge(input.nlu, await documentAt(tenantId, name, revision)) };
        merged.set(cacheKey, hit);
      }
      return { ...input, modelKey: hit.key, nlu: hit.nlu };
    },
  };
}

export type TrainingDataResolver = ReturnType<typeof createTrainingDataResolver>;
