import { createHash } from 'node:crypto';
import type { IntentTrainer } from './nlu/intent-trainer.js';

const HELD_BACK_ONE_IN = 5;

/**
 * Every fifth example, chosen by a hash of its intent and text rather than its position: adding or
 * reordering examples leaves every other example on its side, so two revisions are scored on
 * nearly the same questions. Intents with fewer than two examples are trained on, never tested.
 */
export function splitExamples(intents: Record<string, string[]>): { train: Record<string, string[]>; test: { intent: string; text: string }[] } {
  const train: Record<string, string[]> = {};
  const test: { intent: string; text: string }[] = [];
  for (const [intent, examples] of Object.entries(intents)) {
    const kept: string[] = [];
    for (const text of examples) {
      const bucket = createHash('sha1').update(`${intent}\n${text}`).digest().readUInt32BE(0) % HELD_BACK_ONE_IN;
      if (bucket === 0 && examples.length >= 2) test.push({ intent, text });
      else kept.push(text);
    }
    // An intent whose every example hashed into the test side still needs one to be learnt.
    if (kept.length === 0 && test.length > 0) kept.push(test.pop()!.text);
    if (kept.length > 0) train[intent] = kept;
  }
  return { train, test };
}

/** Top-1 accuracy of the classifier trained on the training side (by `trainer`, off the event loop when large), on the held-back side. */
export async function evaluateHeldBack(
  intents: Record<string, string[]>,
  trainer: IntentTrainer,
): Promise<{ trainExamples: number; testExamples: number; correct: number }> {
  const { train, test } = splitExamples(intents);
  const trainExamples = Object.values(train).reduce((n, list) => n + list.length, 0);
  if (Object.keys(train).length === 0 || test.length === 0) return { trainExamples, testExamples: 0, correct: 0 };
  const classifier = await trainer.train(train);
  const correct = test.filter((t) => classifier.classify(t.text).ranking[0]?.name === t.intent).length;
  return { trainExamples, testExamples: test.length, correct };
}
