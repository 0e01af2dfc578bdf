import type { Clock } from '../../shared/clock.js';
import type { FlowNlu, GenerateResult, Models, NluResult, ParseInput } from './contract.js';
import { DEFAULT_NLU_THRESHOLD, FALLBACK_INTENT } from './contract.js';
import { type CompiledEntities, compileEntities } from './entities/extract-entities.js';
import { LruCache } from './model-cache.js';
import { type IntentClassifier, trainIntentClassifier } from './nlu/intent-classifier.js';

export * from './contract.js';
// For the NLU benchmark, which trains the offline classifier on CLINC150 directly.
export { trainIntentClassifier } from './nlu/intent-classifier.js';

interface TrainedModel {
  classifier: IntentClassifier | null;
  entities: CompiledEntities;
}

const OFFLINE_PROVIDER = 'offline';

function train(nlu: FlowNlu): TrainedModel {
  const intents = nlu.intents ?? {};
  return {
    classifier: Object.keys(intents).length > 0 ? trainIntentClassifier(intents) : null,
    entities: compileEntities(nlu.entities ?? {}),
  };
}

/**
 * The model orchestrator. Embedded default: the offline classifier trained from the flow's own
 * examples (once per flow version, then cached) and the offline entity extractors.
 */
export function createModels(deps: { clock: Clock; cacheSize?: number }): Models {
  const models = new LruCache<TrainedModel>(deps.cacheSize ?? 500);

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
    async parse(tenantId, input): Promise<NluResult> {
      const model = modelFor(tenantId, input);
      const entities = model.entities.extract(input.text, { now: input.now });
      const ranking = model.classifier && input.text.trim() ? model.classifier.classify(input.text).ranking : [];
      const top = ranking[0];
      const threshold = input.nlu.threshold ?? DEFAULT_NLU_THRESHOLD;
      // A fallback keeps the best intent's confidence, so traces show how close the miss was.
      const intent =
        top && top.confidence >= threshold
          ? { name: top.name, confidence: top.confidence }
          : { name: FALLBACK_INTENT, confidence: top?.confidence ?? 0 };
      return { intent, alternatives: ranking.slice(0, 5), entities, provider: OFFLINE_PROVIDER };
    },

    async generate(): Promise<GenerateResult> {
      return {
        ok: false,
        error: { code: 'no_model', message: 'No language model is configured; the template fallback is used.' },
        latencyMs: 0,
      };
    },
  };
}
