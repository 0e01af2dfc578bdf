import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const numbers = compileEntities({ n: { type: 'number' } });
const extract = (text: string) => numbers.extract(text).map((e) => [e.value, e.text]);

describe('number entities', () => {
  it('reads digits with sign, thousands and decimals', () => {
    expect(extract('I need 3, maybe 1,250.5 or -2 and +7')).toEqual([
      [3, '3'],
      [1250.5, '1,250.5'],
      [-2, '-2'],
      [7, '+7'],
    ]);
  });

  it('reads English words', () => {
    expect(extract('twenty five apples, a dozen eggs, one hundred and two pears')).toEqual([
      [25, 'twenty five'],
      [12, 'a dozen'],
      [102, 'one hundred and two'],
    ]);
    expect(extract('Forty-Two and two thousand three hundred')).toEqual([
      [42, 'Forty-Two'],
      [2300, 'two thousand three hundred'],
    ]);
  });

  it('splits where the grammar breaks and applies scales to digits', () => {
    expect(extract('one two three')).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(extract('3 million users, 2 dozen')).toEqual([
      [3_000_000, '3 million'],
      [24, '2 dozen'],
    ]);
  });

  it('does not read ordinals, times, versions or ids as numbers', () => {
    expect(extract('the 2nd, at 5pm, v1.2.3, abc123, the twenty-first')).toEqual([]);
  });

  it('keeps "3-4" as two numbers and a trailing full stop out', () => {
    expect(extract('3-4 people.')).toEqual([
      [3, '3'],
      [4, '4'],
    ]);
    expect(extract('I want 3.')).toEqual([[3, '3']]);
  });

  it('does not read "a" alone or "and" alone', () => {
    expect(extract('a cat and a dog')).toEqual([]);
  });

  it('survives other scripts, emoji and long text', () => {
    expect(extract('мне нужно 5 штук 😀 我要5个')).toEqual([
      [5, '5'],
      [5, '5'],
    ]);
    // 2,000 nines (the part read) overflow to Infinity, which is not a number a flow can use.
    expect(numbers.extract('9'.repeat(10_000))).toEqual([]);
    expect(numbers.extract('7 '.repeat(5_000))).toHaveLength(1_000);
  });
});
