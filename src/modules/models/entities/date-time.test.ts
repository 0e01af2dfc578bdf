import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const compiled = compileEntities({ date: { type: 'date' }, time: { type: 'time' }, when: { type: 'datetime' } });
// A Sunday.
const now = '2026-11-29T10:00:00Z';
const values = (text: string, timezone?: string) =>
  Object.fromEntries(compiled.extract(text, { now, timezone }).map((e) => [e.entity, e.value]));

describe('date, time and datetime entities', () => {
  it('reads "tomorrow at 5pm" relative to now', () => {
    expect(values('can you come tomorrow at 5pm?')).toEqual({ date: '2026-11-30', time: '17:00', when: '2026-11-30T17:00:00Z' });
  });

  it('reads "next Monday" on a Sunday as the following day, as chrono does', () => {
    // chrono treats "next Monday" said on a Sunday as the coming Monday (2026-11-30), not 2026-12-07.
    // Without an hour it has no time entity; the datetime uses chrono's implied 12:00.
    expect(values('next Monday')).toEqual({ date: '2026-11-30', when: '2026-11-30T12:00:00Z' });
  });

  it('reads "in 2 hours" and "at noon"', () => {
    expect(values('in 2 hours')).toEqual({ date: '2026-11-29', time: '12:00', when: '2026-11-29T12:00:00Z' });
    expect(values('at noon')).toMatchObject({ time: '12:00' });
  });

  it('only reports a date when a day is named, and a time when an hour is named', () => {
    expect(values('at 5pm')).toEqual({ time: '17:00', when: '2026-11-29T17:00:00Z' });
    expect(values('tomorrow')).toMatchObject({ date: '2026-11-30' });
    expect(values('tomorrow')).not.toHaveProperty('time');
  });

  it('looks forward for dates without a year', () => {
    expect(values('on Nov 1')).toMatchObject({ date: '2027-11-01' });
    expect(values('March 5th 2027 at 10:30')).toEqual({ date: '2027-03-05', time: '10:30', when: '2027-03-05T10:30:00Z' });
  });

  it('reads in the user time zone and writes its offset', () => {
    expect(values('tomorrow at 5pm', 'Europe/Paris')).toEqual({ date: '2026-11-30', time: '17:00', when: '2026-11-30T17:00:00+01:00' });
    // 10:00Z is already midnight on the 30th in Kiritimati (UTC+14), so "tomorrow" there is December 1st.
    expect(values('tomorrow', 'Pacific/Kiritimati')).toMatchObject({ date: '2026-12-01' });
    expect(values('at 9am', 'America/New_York')).toMatchObject({ when: '2026-11-29T09:00:00-05:00' });
  });

  it('keeps the wall-clock hour across a daylight-saving change', () => {
    // now is in winter (UTC+1); July in Paris is UTC+2.
    expect(values('July 1 at 5pm', 'Europe/Paris')).toMatchObject({ time: '17:00', when: '2027-07-01T17:00:00+02:00' });
  });

  it('converts text with its own zone into the user zone', () => {
    expect(values('5pm EST')).toMatchObject({ time: '22:00', when: '2026-11-29T22:00:00Z' });
  });

  it('finds nothing in unrelated, empty or other-script text', () => {
    expect(values('I want 2 pizzas')).toEqual({});
    expect(values('')).toEqual({});
    expect(values('завтра в пять 明天')).toEqual({});
  });
});
