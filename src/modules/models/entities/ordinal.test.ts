import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const ordinals = compileEntities({ o: { type: 'ordinal' } });
const extract = (text: string) => ordinals.extract(text).map((e) => [e.value, e.text]);

describe('ordinal entities', () => {
  it('reads suffixed digits and words', () => {
    expect(extract('the first, 2nd, THIRD, 21st and 103rd')).toEqual([
      [1, 'first'],
      [2, '2nd'],
      [3, 'THIRD'],
      [21, '21st'],
      [103, '103rd'],
    ]);
  });

  it('reads compound words with a hyphen or a space', () => {
    expect(extract('twenty-first or thirty second, the fortieth, the hundredth')).toEqual([
      [21, 'twenty-first'],
      [32, 'thirty second'],
      [40, 'fortieth'],
      [100, 'hundredth'],
    ]);
  });

  it('ignores plain numbers, parts of words and 0th', () => {
    expect(extract('2 firsthand 0th 12345 1stly')).toEqual([]);
  });

  it('survives empty, emoji and other scripts', () => {
    expect(extract('')).toEqual([]);
    expect(extract('🥇 первый 第一')).toEqual([]);
  });
});
