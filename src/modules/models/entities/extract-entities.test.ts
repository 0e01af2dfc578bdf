import { describe, expect, it } from 'vitest';
import { MAX_EXTRACT_CHARS, compileEntities } from './extract-entities.js';
import type { EntityDefinition } from '../contract.js';

const everyType: Record<string, EntityDefinition> = {
  order_id: { type: 'regex', pattern: '\\b[0-9]{5,8}\\b' },
  city: { type: 'list', values: { 'New York': ['nyc', 'new york city'], Paris: [] } },
  email: { type: 'email' },
  phone: { type: 'phone' },
  number: { type: 'number' },
  ordinal: { type: 'ordinal' },
  date: { type: 'date' },
  time: { type: 'time' },
  when: { type: 'datetime' },
  link: { type: 'url' },
  price: { type: 'money' },
};
const all = compileEntities(everyType);
const now = '2026-11-29T10:00:00Z';

describe('compileEntities', () => {
  it('finds every type in one message, sorted by start, with text equal to the span', () => {
    const text = 'Order 12345 to NYC tomorrow at 5pm, mail bob@example.com or call (415) 555-2671, the 2nd costs $20';
    const found = all.extract(text, { now });
    expect(found.map((e) => e.start)).toEqual([...found.map((e) => e.start)].sort((a, b) => a - b));
    for (const e of found) expect(e.text).toBe(text.slice(e.start, e.end));
    const byEntity = Object.fromEntries(found.map((e) => [e.entity, e.value]));
    expect(byEntity).toMatchObject({
      order_id: '12345',
      city: 'New York',
      date: '2026-11-30',
      time: '17:00',
      when: '2026-11-30T17:00:00Z',
      email: 'bob@example.com',
      phone: '+14155552671',
      ordinal: 2,
      price: { amount: 20, currency: 'USD' },
    });
  });

  it.each([
    ['empty', ''],
    ['blank', '   \n\t '],
    ['emoji only', '😀🎉👍🏽❤️'],
    ['Cyrillic', 'Привет, где мой заказ? Позвоните мне завтра'],
    ['Chinese', '你好，我的订单在哪里？明天下午五点'],
    ['Arabic', 'مرحبا، أين طلبي؟'],
    ['lone surrogates and control characters', '\uD800\u0000\u202E abc \uDFFF'],
  ])('returns nothing and does not throw for %s text', (_name, text) => {
    expect(all.extract(text, { now })).toEqual([]);
  });

  it('handles 10,000 characters quickly and only looks at the first MAX_EXTRACT_CHARS', () => {
    const text = `${'lorem ipsum 😀 привет 12 '.repeat(400)} bob@example.com`;
    expect(text.length).toBeGreaterThan(10_000);
    const started = performance.now();
    const found = all.extract(text, { now });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((e) => e.end <= MAX_EXTRACT_CHARS)).toBe(true);
    expect(found.some((e) => e.entity === 'email')).toBe(false);
  });

  it('reports entities of different names on the same span, but one span once per entity', () => {
    const twice = compileEntities({
      a: { type: 'regex', pattern: '(?=(\\d+))\\d' }, // overlapping lookahead matches
      b: { type: 'number' },
    });
    const found = twice.extract('call 42', { now });
    expect(found.filter((e) => e.entity === 'b')).toEqual([{ entity: 'b', value: 42, text: '42', start: 5, end: 7 }]);
    const spans = found.filter((e) => e.entity === 'a').map((e) => `${e.start}-${e.end}`);
    expect(new Set(spans).size).toBe(spans.length);
  });

  it('skips invalid definitions instead of throwing', () => {
    const compiled = compileEntities({
      broken: { type: 'regex', pattern: '(' },
      unknown: { type: 'colour' } as unknown as EntityDefinition,
      empty: { type: 'list', values: [] },
      email: { type: 'email' },
    });
    expect(compiled.extract('mail a@b.io').map((e) => e.entity)).toEqual(['email']);
  });

  it('falls back to the current time for a missing or invalid `now`, and to UTC for an unknown zone', () => {
    const dates = compileEntities({ d: { type: 'date' } });
    const today = new Date().toISOString().slice(0, 10);
    expect(dates.extract('today')[0]?.value).toBe(today);
    expect(dates.extract('today', { now: 'not a date' })[0]?.value).toBe(today);
    expect(dates.extract('tomorrow', { now, timezone: 'Mars/Olympus' })[0]?.value).toBe('2026-11-30');
  });

  it('tolerates a non-string text from untyped callers', () => {
    expect(all.extract(undefined as unknown as string)).toEqual([]);
  });
});
