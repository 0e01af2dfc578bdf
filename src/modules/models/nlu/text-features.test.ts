import { describe, expect, it } from 'vitest';
import { BLOCKS, extractFeatures, tokenize } from './text-features.js';

describe('tokenize', () => {
  it('lowercases, joins apostrophes and splits on anything but letters and digits', () => {
    expect(tokenize("What's my ORDER #123?")).toEqual(['whats', 'my', 'order', '123']);
  });

  it('keeps other scripts, emoji and currency signs as tokens', () => {
    expect(tokenize('Привет 😀 мир')).toEqual(['привет', '😀', 'мир']);
    expect(tokenize('我的订单')).toEqual(['我的订单']);
    expect(tokenize('I paid £20')).toEqual(['i', 'paid', '£', '20']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ?! ')).toEqual([]);
  });
});

const OPTIONS = { charMin: 3, charMax: 5 };

function features(text: string, options = OPTIONS): Record<string, Set<number>> {
  const found = Object.fromEntries(BLOCKS.map((b) => [b, new Set<number>()])) as Record<string, Set<number>>;
  extractFeatures(text, options, (block, hash) => found[BLOCKS[block] as string]?.add(hash));
  return found;
}

const shared = (a: Set<number>, b: Set<number>): number => [...a].filter((h) => b.has(h)).length;

describe('extractFeatures', () => {
  it('stems words, so inflections share their word features', () => {
    expect(features('tracking orders').word).toEqual(features('track order').word);
  });

  it('builds word bigrams that depend on the order of words', () => {
    const a = features('track order');
    const b = features('order track');
    expect(a.word).toEqual(b.word);
    expect(shared(a.bigram as Set<number>, b.bigram as Set<number>)).toBe(0);
  });

  it('builds word-bounded char grams that carry typos', () => {
    const typo = features('cancle my ordr').char as Set<number>;
    expect(shared(typo, features('cancel my order').char as Set<number>)).toBeGreaterThan(3);
    expect(shared(typo, features('weather today').char as Set<number>)).toBe(0);
  });

  it('gives every number one shared feature besides its own', () => {
    const a = features('2 weeks').word as Set<number>;
    const b = features('30 weeks').word as Set<number>;
    expect(shared(a, b)).toBe(2); // "week" and the number shape
  });

  it('adds single-character grams for scripts written without spaces', () => {
    expect(shared(features('订单').char as Set<number>, features('我的订单').char as Set<number>)).toBeGreaterThan(1);
  });

  it('extracts nothing from empty text', () => {
    expect(Object.values(features('')).every((s) => s.size === 0)).toBe(true);
  });
});
