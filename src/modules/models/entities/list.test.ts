import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';
import type { EntityDefinition } from '../contract.js';

const extract = (values: Extract<EntityDefinition, { type: 'list' }>['values'], text: string) =>
  compileEntities({ thing: { type: 'list', values } }).extract(text).map((e) => [e.value, e.text]);

describe('list entities', () => {
  const cities = { 'New York': ['nyc', 'new york city', 'big apple'], York: [], Paris: ['paname'] };

  it('maps synonyms to the canonical value, case-insensitively', () => {
    expect(extract(cities, 'From NYC to PARIS via paname')).toEqual([
      ['New York', 'NYC'],
      ['Paris', 'PARIS'],
      ['Paris', 'paname'],
    ]);
  });

  it('prefers the longest synonym and never overlaps', () => {
    expect(extract(cities, 'I live in New York City, not York')).toEqual([
      ['New York', 'New York City'],
      ['York', 'York'],
    ]);
  });

  it('matches whole words only, and tolerates extra spaces inside a phrase', () => {
    expect(extract(cities, 'Yorkshire and yorky are not cities; new   york is')).toEqual([['New York', 'new   york']]);
  });

  it('accepts a plain array, each value its own canonical', () => {
    expect(extract(['small', 'large'], 'A Large one, and a small.')).toEqual([
      ['large', 'Large'],
      ['small', 'small'],
    ]);
  });

  it('treats regex characters in synonyms literally', () => {
    expect(extract({ 'C++': ['c plus plus'], '.NET': ['dotnet'] }, 'I write c++ and .net, not cxx')).toEqual([
      ['C++', 'c++'],
      ['.NET', '.net'],
    ]);
    expect(extract({ email: ['e-mail', 'mail/post'], shirt: ['t-shirt'] }, 'By E-Mail or mail/post: a T-shirt')).toEqual([
      ['email', 'E-Mail'],
      ['email', 'mail/post'],
      ['shirt', 'T-shirt'],
    ]);
  });

  it('works in Cyrillic (with case) and in Chinese without spaces', () => {
    expect(extract({ 'Москва': ['москве', 'мск'] }, 'Я в МОСКВЕ, не в Москвеях')).toEqual([['Москва', 'МОСКВЕ']]);
    expect(extract({ '北京': ['北京市'], '上海': [] }, '我想从北京市去上海')).toEqual([
      ['北京', '北京市'],
      ['上海', '上海'],
    ]);
  });

  it('finds nothing in empty, emoji or long unrelated text', () => {
    expect(extract(cities, '')).toEqual([]);
    expect(extract(cities, '🗽🗼')).toEqual([]);
    expect(extract(cities, 'x'.repeat(10_000))).toEqual([]);
  });
});
