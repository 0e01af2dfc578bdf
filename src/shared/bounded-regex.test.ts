import { describe, expect, it } from 'vitest';
import { compileLinearRegex, matchAllWithin, regexProblem, testWithin } from './bounded-regex.js';

const compile = (pattern: string, flags?: string) => {
  const result = compileLinearRegex(pattern, flags);
  if (!result.ok) throw new Error(result.problem);
  return result.regex;
};

describe('builders’ regular expressions (RE2 semantics)', () => {
  it('answers patterns that make a backtracking engine explode, on long input', () => {
    expect(compile('^([a-zA-Z]+\\s?)+$').test(`${'a'.repeat(10_000)}!`)).toBe(false);
    // Passes a nested-quantifier check, yet backtracks exponentially in JavaScript.
    expect(compile('^(a|aa)+$').test(`${'a'.repeat(10_000)}b`)).toBe(false);
    expect(compile('^(a|aa)+$').test('aaaa')).toBe(true);
  });

  it('matches like RegExp for ordinary patterns: flags, groups, lookbehinds, \\u escapes', () => {
    expect(compile('abc', 'i').test('xABCx')).toBe(true);
    expect(compile('^b', 'm').test('a\nb')).toBe(true);
    expect(compile('(?<!\\d)\\d{3}(?<=\\d)').test('ab123')).toBe(true);
    expect(compile('caf\\u00e9').test('café')).toBe(true);
    expect(compile('[^]').test('\n')).toBe(true);
    expect(compile('order #(\\d+)(x)?').matchAll('order #12 and order #345x')).toEqual([
      { index: 0, text: 'order #12', group: '12' },
      { index: 14, text: 'order #345x', group: '345' },
    ]);
    expect(matchAllWithin(/\d*/g, 'a1b')).toEqual([{ index: 1, text: '1', group: undefined }]);
    expect(testWithin('^hel', 'hello')).toBe(true);
  });

  it('refuses what RE2 cannot run in linear time, saying why', () => {
    expect(regexProblem('(\\w)\\1')).toMatch(/^regular expression \/\(\\w\)\\1\/ cannot be used: backreferences .* not supported.*linear-time engine/);
    expect(regexProblem('a(?=b)')).toMatch(/lookaheads .* not supported/);
    expect(regexProblem('a{2000}')).toMatch(/repeat counts above 1000/);
    expect(regexProblem('(a')).toMatch(/^invalid regular expression/);
    expect(regexProblem('^\\d+$')).toBeNull();
    expect(testWithin('(a)\\1', 'aa')).toBeNull();
    expect(matchAllWithin(/(a)\1/g, 'aa')).toBeNull();
  });
});
