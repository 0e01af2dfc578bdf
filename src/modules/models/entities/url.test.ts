import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const extract = (text: string) => compileEntities({ link: { type: 'url' } }).extract(text).map((e) => e.value);

describe('url entities', () => {
  it('reads http, https and www. URLs without trailing punctuation', () => {
    expect(extract('See https://example.com/a?b=1&c=2#x, http://foo.org. or www.test.org!')).toEqual([
      'https://example.com/a?b=1&c=2#x',
      'http://foo.org',
      'www.test.org',
    ]);
  });

  it('keeps brackets that belong to the URL and drops the ones around it', () => {
    expect(extract('(see https://en.wikipedia.org/wiki/Foo_(bar)) and [www.x.io/a]')).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'www.x.io/a',
    ]);
  });

  it('stops at text in other scripts and ignores bare words', () => {
    expect(extract('访问https://example.cn/路径 или www.пример.рф, https://, www., example.com')).toEqual(['https://example.cn/']);
  });

  it('survives long input', () => {
    expect(extract(`https://${'a'.repeat(10_000)}.com`)).toEqual([]);
  });
});
