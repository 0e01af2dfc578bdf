import { afterAll, describe, expect, it } from 'vitest';
import { createOfflineNlu } from '../offline-nlu.js';
import { trainIntentClassifier } from './intent-classifier.js';
import { createIntentTrainer, type IntentTrainer } from './intent-trainer.js';

const orderBot = {
  track_order: ['where is my order', 'track my package', 'when will my parcel arrive', 'has my order shipped'],
  cancel_order: ['cancel my order', 'i want to cancel the purchase', 'stop my order please'],
  refund: ['i want my money back', 'how do i get a refund', 'refund my payment'],
};

/** `intents × perIntent` distinct utterances: enough that training takes a while. */
function syntheticExamples(intents: number, perIntent: number): Record<string, string[]> {
  const words = ['order', 'card', 'balance', 'transfer', 'refund', 'account', 'payment', 'delivery', 'address', 'limit', 'fee', 'rate'];
  return Object.fromEntries(
    Array.from({ length: intents }, (_, i) => [
      `intent_${i}`,
      Array.from({ length: perIntent }, (_, j) => `${words[i % words.length]} ${words[(i * 5 + j) % words.length]} topic${i} case ${j} detail${(i * 31 + j) % 53}`),
    ]),
  );
}

// Every training in these tests goes through the worker thread.
const threaded = createIntentTrainer({ inlineBelow: 0 });
afterAll(() => threaded.close());

describe('createIntentTrainer', () => {
  it('rebuilds a model trained in the worker that classifies exactly as one trained inline', async () => {
    const inline = trainIntentClassifier(orderBot);
    const fromWorker = await threaded.train(orderBot);
    expect(fromWorker.intents).toEqual(inline.intents);
    for (const text of ['where is my parcel', 'cancel it', 'refund please', 'what is the weather', '']) {
      expect(fromWorker.classify(text)).toEqual(inline.classify(text));
    }
  });

  it('rejects with the error inline training throws', async () => {
    const bad = { greet: [42 as unknown as string] };
    const inlineError = (() => {
      try {
        trainIntentClassifier(bad);
      } catch (error) {
        return error as Error;
      }
      throw new Error('inline training did not fail');
    })();
    const workerError = await threaded.train(bad).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(workerError).toBeInstanceOf(inlineError.constructor);
    expect(workerError?.message).toBe(inlineError.message);
  });

  it('keeps the event loop serving while a large model trains', async () => {
    const order: string[] = [];
    const training = threaded.train(syntheticExamples(40, 50)).then(() => order.push('trained'));
    // Twenty hops through the timer queue: each one needs the event loop free.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    order.push('probes answered');
    await training;
    expect(order).toEqual(['probes answered', 'trained']);
  });
});

describe('createOfflineNlu', () => {
  it('trains once for concurrent parses of the same model, and again after a failed training', async () => {
    const trainings: number[] = [];
    const counting: IntentTrainer = {
      train: (examples) => {
        trainings.push(Object.keys(examples).length);
        return threaded.train(examples);
      },
      close: () => Promise.resolve(),
    };
    const nlu = createOfflineNlu(10, counting);
    const input = (text: string) => ({ modelKey: 'flow@1', nlu: { intents: orderBot }, text });
    const [a, b] = await Promise.all([nlu.parse('tenant-a', input('cancel my order')), nlu.parse('tenant-a', input('refund please'))]);
    expect(a.ranking[0]?.name).toBe('cancel_order');
    expect(b.ranking[0]?.name).toBe('refund');
    expect(trainings).toEqual([3]);

    // Another tenant's equal key is its own model.
    await nlu.parse('tenant-b', input('cancel my order'));
    expect(trainings).toEqual([3, 3]);

    const broken = { modelKey: 'flow@2', nlu: { intents: { greet: [42 as unknown as string] } }, text: 'hi' };
    await expect(nlu.parse('tenant-a', broken)).rejects.toThrow(TypeError);
    await expect(nlu.parse('tenant-a', broken)).rejects.toThrow(TypeError);
    expect(trainings).toEqual([3, 3, 1, 1]);
  });
});
