import { describe, expect, it } from 'vitest';
import { extractFeatures, tokenize } from './text-features.js';

describe('tokenize', () => {
  it('lowercases, joins apostrophes and splits on anything but letters and digits', () => {
    expect(tokenize("What's my ORDER #123?")).toEqual(['whats', 'my', 'order', '123']);
  });

  it('keeps other scripts and emoji as tokens', () => {
    expect(tokenize('Привет 😀 мир')).toEqual(['привет', '😀', 'мир']);
    expect(tokenize('我的订单')).toEqual(['我的订单']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ?! ')).toEqual([]);
  });
});

describe('extractFeatures', () => {
  it('stems words and builds bigrams and word-bounded char grams', () => {
    const features = extractFeatures('tracking orders');
    expect([...features.word.keys()]).toEqual(['track', 'order']);
    expect(features.bigram.has('track order')).toBe(true);
    expect(features.char.has(' tra')).toBe(true);
    expect(features.char.has('g o')).toBe(false);
  });

  it('adds short char grams for scripts written without spaces', () => {
    expect(extractFeatures('订单').char.has('订')).toBe(true);
  });
});
