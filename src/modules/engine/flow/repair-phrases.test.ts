import { describe, expect, it } from 'vitest';
import { isCancel, normalise, parseCorrection } from './repair-phrases.js';
import { splitList } from './slot-values.js';

describe('repair phrases', () => {
  it('reads corrections in their usual forms, and nothing else', () => {
    expect(parseCorrection('change the address to 5 Elm St')).toEqual({ slot: 'address', value: '5 Elm St' });
    expect(parseCorrection('No, make the size large please.')).toEqual({ slot: 'size', value: 'large please' });
    expect(parseCorrection('actually my name is Ada')).toEqual({ slot: 'name', value: 'Ada' });
    expect(parseCorrection('can you update my delivery address to 7 Birch Lane')).toEqual({ slot: 'delivery address', value: '7 Birch Lane' });
    expect(parseCorrection('where is my order')).toBeNull();
    expect(parseCorrection('I want to go to Oslo')).toBeNull();
  });

  it('matches cancel phrases whole, ignoring politeness and punctuation', () => {
    expect(isCancel(undefined, 'Never mind!')).toBe(true);
    expect(isCancel(undefined, 'ok, cancel please')).toBe(true);
    expect(isCancel(undefined, 'cancel my order')).toBe(false);
    expect(isCancel(['stop it'], 'stop')).toBe(false);
    expect(normalise('  Just   SKIP, thanks ')).toBe('skip');
  });

  it('splits a free-text list on commas, "and" and "plus"', () => {
    expect(splitList('ham, olives and extra cheese plus basil')).toEqual(['ham', 'olives', 'extra cheese', 'basil']);
    expect(splitList('sandwich')).toEqual(['sandwich']);
  });
});
