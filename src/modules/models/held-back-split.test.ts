import { describe, expect, it } from 'vitest';
import { splitExamples } from './held-back-split.js';

const examples = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} example ${i}`);

describe('held-back split', () => {
  it('holds back about one example in five, the same ones every time', () => {
    const intents = { a: examples('a', 200), b: examples('b', 200) };
    const { train, test } = splitExamples(intents);
    expect(test.length).toBeGreaterThan(50);
    expect(test.length).toBeLessThan(110);
    expect(train.a!.length + train.b!.length + test.length).toBe(400);
    expect(splitExamples(intents)).toEqual({ train, test });
  });

  it('leaves every other example on its side when one is added or the order changes', () => {
    const before = splitExamples({ a: examples('a', 50) });
    const after = splitExamples({ a: ['a brand new one', ...examples('a', 50).reverse()] });
    const held = new Set(after.test.map((t) => t.text));
    for (const t of before.test) expect(held.has(t.text)).toBe(true);
    expect(after.test.filter((t) => !before.test.some((b) => b.text === t.text)).map((t) => t.text)).toEqual(
      held.has('a brand new one') ? ['a brand new one'] : [],
    );
  });

  it('never tests an intent with a single example, and always trains every intent', () => {
    const { train, test } = splitExamples({ lonely: ['just me'], pair: ['one', 'two'] });
    expect(test.some((t) => t.intent === 'lonely')).toBe(false);
    expect(Object.keys(train).sort()).toEqual(['lonely', 'pair']);
  });
});
