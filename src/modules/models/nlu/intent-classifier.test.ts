import { describe, expect, it } from 'vitest';
import { trainIntentClassifier, type IntentRanking } from './intent-classifier.js';

const THRESHOLD = 0.55;
const orderBot = {
  track_order: ['where is my order', 'track my package', 'when will my parcel arrive', 'has my order shipped'],
  cancel_order: ['cancel my order', 'i want to cancel the purchase', 'stop my order please'],
  refund: ['i want my money back', 'how do i get a refund', 'refund my payment'],
  greet: ['hello', 'hi there', 'good morning'],
};
const classifier = trainIntentClassifier(orderBot);
const top = (ranking: IntentRanking) => ranking.ranking[0] ?? { name: '', confidence: 0 };

function expectWellFormed(result: IntentRanking, intents: number): void {
  expect(result.ranking).toHaveLength(intents);
  const confidences = result.ranking.map((r) => r.confidence);
  expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
  for (const c of confidences) expect(c >= 0 && c <= 1).toBe(true);
}

describe('trainIntentClassifier', () => {
  it('lists the intents by name and trains the same model whatever order they come in', () => {
    expect(classifier.intents).toEqual(['cancel_order', 'greet', 'refund', 'track_order']);
    const reordered = trainIntentClassifier(Object.fromEntries(Object.entries(orderBot).reverse()));
    for (const text of ['where is my package', 'please cancel it', 'hello there', 'asdf qwerty']) {
      expect(reordered.classify(text)).toEqual(classifier.classify(text));
    }
  });

  it.each([
    ['where is my package', 'track_order'],
    ['can you track my order', 'track_order'],
    ['please cancel it', 'cancel_order'],
    ['I need a REFUND!', 'refund'],
    ['hello there', 'greet'],
  ])('classifies the paraphrase %j as %s above the threshold', (text, intent) => {
    const result = classifier.classify(text);
    expectWellFormed(result, 4);
    expect(top(result)).toMatchObject({ name: intent });
    expect(top(result).confidence).toBeGreaterThan(THRESHOLD);
  });

  it.each(['asdf qwerty', 'what is the capital of France', 'what is the weather tomorrow'])(
    'gives unrelated text %j a low confidence',
    (text) => expect(top(classifier.classify(text)).confidence).toBeLessThan(THRESHOLD),
  );

  it.each([
    ['empty', ''],
    ['blank', '   \n\t'],
    ['emoji only', '😀🎉👍'],
    ['Cyrillic', 'где мой заказ'],
    ['Chinese', '我的订单在哪里'],
  ])('returns an all-low ranking for %s text, without throwing', (_label, text) => {
    const result = classifier.classify(text);
    expectWellFormed(result, 4);
    expect(top(result).confidence).toBeLessThan(THRESHOLD);
  });

  it('caps the work on a 10,000-character input', () => {
    const text = 'where is my order '.repeat(600).slice(0, 10_000);
    const started = performance.now();
    const result = classifier.classify(text);
    expect(performance.now() - started).toBeLessThan(50);
    expect(top(result).name).toBe('track_order');
  });

  it('learns non-Latin scripts from their own examples', () => {
    const multilingual = trainIntentClassifier({
      order_ru: ['где мой заказ', 'отследить посылку'],
      order_zh: ['我的订单在哪里', '查询我的包裹'],
      greet: ['hello', 'hi'],
    });
    expect(top(multilingual.classify('где мой заказ сейчас'))).toMatchObject({ name: 'order_ru' });
    expect(top(multilingual.classify('我的订单'))).toMatchObject({ name: 'order_zh' });
  });

  it('handles a single intent with one example', () => {
    const single = trainIntentClassifier({ book_table: ['book a table'] });
    expect(top(single.classify('book a table for two'))).toMatchObject({ name: 'book_table' });
    expect(top(single.classify('book a table for two')).confidence).toBeGreaterThan(THRESHOLD);
    expect(top(single.classify('what time is it')).confidence).toBeLessThan(THRESHOLD);
  });

  it('survives no intents and intents without examples', () => {
    expect(trainIntentClassifier({}).classify('hello').ranking).toEqual([]);
    const sparse = trainIntentClassifier({ greet: ['hello'], empty: [] });
    expectWellFormed(sparse.classify('hello'), 2);
    expect(top(sparse.classify('hello')).name).toBe('greet');
  });

  it('is deterministic for a given seed', () => {
    const again = trainIntentClassifier(orderBot);
    for (const text of ['where is my package', 'my order', 'refund please']) {
      expect(again.classify(text)).toEqual(classifier.classify(text));
    }
  });
});
