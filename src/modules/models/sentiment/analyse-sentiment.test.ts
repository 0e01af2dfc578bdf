import { describe, expect, it } from 'vitest';
import { analyseSentiment } from './analyse-sentiment.js';

const label = (text: string) => analyseSentiment(text).label;

describe('analyseSentiment', () => {
  it('labels clear positive and negative messages', () => {
    expect(analyseSentiment('I love this, thanks!')).toMatchObject({ label: 'positive' });
    expect(analyseSentiment('This is terrible and useless')).toMatchObject({ label: 'negative' });
  });

  it('keeps the score within -1..1 however long the text', () => {
    expect(analyseSentiment('good '.repeat(5_000)).score).toBeLessThanOrEqual(1);
    expect(analyseSentiment('awful '.repeat(5_000)).score).toBeGreaterThanOrEqual(-1);
    expect(analyseSentiment('good').score).toBeGreaterThan(0.5);
  });

  it('is neutral for empty, factual, mild or foreign-language text', () => {
    for (const text of ['', '   ', 'Where is my order 12345?', 'I want to cancel my order', 'ok', 'Привет, это ужасно', '这个很好']) {
      expect(analyseSentiment(text)).toMatchObject({ label: 'neutral' });
    }
    expect(analyseSentiment('').score).toBe(0);
  });

  it('handles negation the library misses: wider negators, a few words back', () => {
    expect(label('This is not good')).toBe('negative');
    expect(label('not very good at all')).toBe('negative');
    expect(label('I never liked it')).toBe('negative');
    expect(label('It wasn\u2019t helpful')).toBe('negative');
    expect(label('I didn\'t hate it')).toBe('positive');
    expect(label('no problem')).toBe('positive');
  });

  it('does not carry a negation across a sentence or comma', () => {
    expect(label('Not bad. Great service')).toBe('positive');
    expect(label('No, this is great')).toBe('positive');
  });

  it('weights what comes after "but"', () => {
    expect(label('The food was good but the service was terrible')).toBe('negative');
    expect(label('The wait was bad but the staff were lovely')).toBe('positive');
  });

  it('reads emoji, also written against a word or with a variation selector', () => {
    expect(label('great😀')).toBe('positive');
    expect(label('😡😡')).toBe('negative');
    expect(analyseSentiment('thanks ❤️').score).toBeGreaterThan(analyseSentiment('thanks').score);
  });

  it('never throws on odd input', () => {
    expect(() => analyseSentiment('\uD800\u0000'.repeat(10_000))).not.toThrow();
    expect(analyseSentiment(undefined as unknown as string)).toEqual({ label: 'neutral', score: 0 });
  });
});
