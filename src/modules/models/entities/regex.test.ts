import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const extract = (pattern: string, text: string, flags?: string) =>
  compileEntities({ id: { type: 'regex', pattern, flags } }).extract(text);

describe('regex entities', () => {
  it('returns the whole match when the pattern has no group', () => {
    expect(extract('\\b[0-9]{5,8}\\b', 'order 12345 and 678901')).toMatchObject([
      { value: '12345', start: 6, end: 11 },
      { value: '678901', start: 16, end: 22 },
    ]);
  });

  it('returns the first capture group as value and the whole match as span', () => {
    expect(extract('order #(\\d+)', 'my order #4711 is late')).toEqual([
      { entity: 'id', value: '4711', text: 'order #4711', start: 3, end: 14 },
    ]);
  });

  it('falls back to the whole match when the group did not take part', () => {
    expect(extract('x(\\d)?', 'x')).toMatchObject([{ value: 'x' }]);
  });

  it('applies the builder flags and ignores g/y', () => {
    expect(extract('abc', 'ABC abc', 'iy')).toHaveLength(2);
    expect(extract('abc', 'ABC abc', 'g')).toHaveLength(1);
  });

  it('skips zero-length matches', () => {
    expect(extract('\\d*', 'a1b')).toMatchObject([{ value: '1', start: 1, end: 2 }]);
  });

  it('survives catastrophic backtracking: (a+)+$ on many a followed by "!" runs in linear time (RE2)', () => {
    expect(extract('(a+)+$', `${'a'.repeat(1_500)}!`)).toEqual([]);
    // The same compiled regex keeps working afterwards.
    expect(extract('(a+)+$', 'aaa')).toMatchObject([{ value: 'aaa' }]);
  });

  it('caps long input, so a 10,000 character attack is cut before the "!"', () => {
    const started = performance.now();
    const found = extract('(a+)+$', `${'a'.repeat(10_000)}!`);
    expect(performance.now() - started).toBeLessThan(1_000);
    // Only the first 2,000 characters are searched; the anchor then matches the cut end.
    expect(found[0]?.end ?? 2_000).toBeLessThanOrEqual(2_000);
  });

  it('matches in other scripts', () => {
    expect(extract('заказ (\\d+)', 'мой заказ 123')).toMatchObject([{ value: '123' }]);
    expect(extract('订单(\\d+)', '我的订单456到了吗')).toMatchObject([{ value: '456' }]);
  });
});
