import { move, transferableSymbol, valueSymbol } from 'piscina';
import { intentModelBuffers, trainIntentModel, type IntentModel } from './intent-classifier.js';

/**
 * Runs in a worker thread (see intent-trainer.ts): trains and hands the model back by
 * transferring its typed arrays' buffers, so a large model is not copied on its way out.
 */
export default function train(examples: Record<string, string[]>): IntentModel {
  const model = trainIntentModel(examples);
  // Piscina sends the surrogate value with the buffers in the transfer list.
  return move({
    get [transferableSymbol]() {
      return intentModelBuffers(model);
    },
    get [valueSymbol]() {
      return model;
    },
  }) as unknown as IntentModel;
}
