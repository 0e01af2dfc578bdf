import type { FlowNlu, IntentScore, ParseInput } from './contract.js';
import { type CompiledEntities, compileEntities } from './entities/extract-entities.js';
import { LruCache } from './model-cache.js';
import type { IntentClassifier } from './nlu/intent-classifier.js';
import type { IntentTrainer } from './nlu/intent-trainer.js';

interface TrainedModel {
  classifier: IntentClassifier | null;
  entities: CompiledEntities;
}

/**
 * The embedded default: the offline classifier trained from the flow's own examples (once per
 * flow version, then cached) and the offline entity extractors. Large flows train in a worker
 * thread, so a training never stalls other tenants' turns.
 */
export function createOfflineNlu(cacheSize: number, trainer: IntentTrainer) {
  // Promises, so that every turn asking for a model while it trains waits for the same training.
  const models = new LruCache<Promise<TrainedModel>>(cacheSize);

  async function train(nlu: FlowNlu): Promise<TrainedModel> {
    const intents = nlu.intents ?? {};
    const entities = compileEntities(nlu.entities ?? {});
    return { classifier: Object.keys(intents).length > 0 ? await trainer.train(intents) : null, entities };
  }

  function modelFor(tenantId: string, input: ParseInput): Promise<TrainedModel> {
    // Model keys are per flow version; the tenant is part of the key so that equal keys of two tenants never share.
    const key = `${tenantId}:${input.modelKey}`;
    let model = models.get(key);
    if (!model) {
      const training = train(input.nlu);
      model = training;
      models.set(key, training);
      // A failed training is not kept: the next turn tries again, as it did before training was cached as a promise.
      training.catch(() => {
        if (models.get(key) === training) models.delete(key);
      });
    }
    return model;
  }

  return {
    async parse(tenantId: string, input: ParseInput) {
      const model = await modelFor(tenantId, input);
      const entities = model.entities.extract(input.text, { now: input.now });
      const ranking: IntentScore[] = model.classifier && input.text.trim() ? model.classifier.classify(input.text).ranking : [];
      return { ranking, entities };
    },
  };
}

export type OfflineNlu = ReturnType<typeof createOfflineNlu>;
