import { describe, expect, it } from 'vitest';
import { segments } from './segments';

describe('segments', () => {
  it('breaks a line where a bucket has no value, instead of drawing it at 0', () => {
    expect(segments([5, null, null, 7, 8, null])).toEqual([[[0, 5]], [[3, 7], [4, 8]]]);
  });
  it('keeps a measured 0 and draws nothing for no data at all', () => {
    expect(segments([0, 0])).toEqual([[[0, 0], [1, 0]]]);
    expect(segments([null, null])).toEqual([]);
  });
});
