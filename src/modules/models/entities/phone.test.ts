import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const extract = (text: string, phoneRegion?: string) =>
  compileEntities({ phone: { type: 'phone' } }, { phoneRegion }).extract(text).map((e) => [e.value, e.text]);

describe('phone entities', () => {
  it.each([
    ['(415) 555-2671', '+14155552671'],
    ['415-555-2671', '+14155552671'],
    ['415.555.2671', '+14155552671'],
    ['4155552671', '+14155552671'],
    ['+1 (212) 555-0198', '+12125550198'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ])('reads %s as %s (E.164)', (written, e164) => {
    expect(extract(`call me on ${written}, thanks`)).toEqual([[e164, written]]);
  });

  it('reads national numbers in the configured region', () => {
    expect(extract('020 7946 0958')).toEqual([]);
    expect(extract('020 7946 0958', 'GB')).toEqual([['+442079460958', '020 7946 0958']]);
    expect(extract('06 12 34 56 78', 'fr')).toEqual([['+33612345678', '06 12 34 56 78']]);
  });

  it('falls back to US for an unknown region', () => {
    expect(extract('415-555-2671', 'XX')).toEqual([['+14155552671', '415-555-2671']]);
  });

  it('does not take order ids or short numbers for phones', () => {
    expect(extract('order 12345, code 555-1234, 42')).toEqual([]);
  });

  it('finds two numbers and survives other scripts and long text', () => {
    expect(extract('звоните +33 6 12 34 56 78 或 (415) 555-2671 📞')).toEqual([
      ['+33612345678', '+33 6 12 34 56 78'],
      ['+14155552671', '(415) 555-2671'],
    ]);
    expect(extract('1'.repeat(10_000))).toEqual([]);
  });
});
