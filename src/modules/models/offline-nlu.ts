import type { FlowNlu, IntentScore, ParseInput } from './contract.js';
import { type CompiledEntities, compileEntities } from './entities/extract-entities.js';
import { LruCache } from './model-cache.js';
import { type IntentClassifier, trainIntentClassifier } from './nlu/intent-classifier.js';

interface TrainedModel {
  classifier: IntentClassifier | null;
  entities: CompiledEntities;
}

function train(nlu: FlowNlu): TrainedModel {
  const intents = nlu.intents ?? {};
  return {
    classifier: Object.keys(intents).length > 0 ? trainIntentClassifier(intents) : null,
    entities: compileEntities(nlu.entities ?? {}),
  };
}

/**
 * The embedded default: the offline classifier trained from the flow's own examples (once per
 * flow version, then cached) and the offline entity extractors.
 */
export function createOfflineNlu(cacheSize: number) {
  const models = new LruCache<TrainedModel>(cacheSize);

  function modelFor(tenantId: string, input: ParseInput): TrainedModel {
    // Model keys are per flow version; the tenant is part of the key so that equal keys of two tenants never share.
    const key = `${tenantId}:${input.modelKey}`;
    let model = models.get(key);
    if (!model) {
      model = train(input.nlu);
      models.set(key, model);
    }
    return model;
  }

  return {
    parse(tenantId: string, input: ParseInput) {
      const model = modelFor(tenantId, input);
      const entities = model.entities.extract(input.text, { now: input.now });
      const ranking: IntentScore[] = model.classifier && input.text.trim() ? model.classifier.classify(input.text).ranking : [];
      return { ranking, entities };
    },
  };
}

export type OfflineNlu = ReturnType<typeof createOfflineNlu>;
