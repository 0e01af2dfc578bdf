import { AppError, isAppError } from '../../shared/app-error.js';
import type { Models } from '../models/contract.js';
import { BUILTIN_ENTITY_TYPES, type FlowDefinition } from './flow/index.js';
import type { FlowStore } from './flow-store.js';

const invalid = (path: string, message: string) =>
  new AppError('flow_invalid', `The flow cannot be published: ${path}: ${message}.`, { details: { issues: [{ path, severity: 'error', code: 'training_data', message }] } });

/**
 * Publishing freezes which training data a version uses: a draft's `trainingData: banking` becomes
 * `{name: banking, revision: N}` in the published definition, so later edits of the document reach
 * conversations only through the next publish (as flow edits do), and every instance agrees.
 * Slots' entities, which validation could not see in the document, are checked here.
 */
export async function pinTrainingData(models: Models, tenantId: string, flow: FlowDefinition): Promise<FlowDefinition> {
  const ref = flow.nlu?.trainingData;
  if (ref === undefined) return flow;
  let document;
  try {
    const pinned = typeof ref === 'string' ? await models.trainingData.pin(tenantId, ref) : ref;
    document = await models.trainingData.get(tenantId, pinned.name, pinned.revision);
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') throw invalid('nlu.trainingData', error.message);
    throw error;
  }
  const known = new Set<string>([...Object.keys(document.document.entities), ...Object.keys(flow.nlu?.entities ?? {}), ...BUILTIN_ENTITY_TYPES]);
  for (const [name, state] of Object.entries(flow.states)) {
    if (state.type !== 'slot_filling') continue;
    state.slots.forEach((slot, i) => {
      if (slot.entity && !known.has(slot.entity)) {
        throw invalid(`states.${name}.slots[${i}].entity`, `entity '${slot.entity}' is defined neither in nlu.entities nor in training data '${document.name}' (revision ${document.revision})`);
      }
    });
  }
  return { ...flow, nlu: { ...flow.nlu, trainingData: { name: document.name, revision: document.revision } } };
}

/**
 * Publishes the draft with its training data pinned. The pin is read before the publish
 * transaction (on PGlite a second transaction inside it would wait for it forever); the draft is
 * then frozen only if it is still the one that was pinned.
 */
export async function publishPinned(deps: { flows: FlowStore; models: Models }, tenantId: string, flowId: string): Promise<{ flowId: string; version: number }> {
  const draft = await deps.flows.draftOf(tenantId, flowId, 'publish');
  const frozen = await pinTrainingData(deps.models, tenantId, draft);
  return deps.flows.publish(tenantId, flowId, async (definition) => {
    if (JSON.stringify(definition) !== JSON.stringify(draft)) throw new AppError('conflict', 'The draft changed while it was being published; publish again.');
    return frozen;
  });
}
