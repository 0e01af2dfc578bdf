import type { FlowNlu, Models, NluResult } from '../models/contract.js';

/**
 * A button's payload that names an intent acts as that intent with confidence 1. The step engine
 * knows the flow's own `nlu.intents`; the intents of a training-data document are known only to
 * the models module (cached: no query for a published version), so they are looked up here.
 */
export async function postbackIntent(models: Models, tenantId: string, input: { modelKey: string; nlu: FlowNlu; payload: string }): Promise<NluResult | null> {
  if (input.nlu.trainingData === undefined || Object.hasOwn(input.nlu.intents ?? {}, input.payload)) return null;
  const names = await models.intentNames(tenantId, { modelKey: input.modelKey, nlu: input.nlu });
  if (!names.includes(input.payload)) return null;
  return { intent: { name: input.payload, confidence: 1 }, alternatives: [], entities: [], provider: 'postback', usage: [] };
}
