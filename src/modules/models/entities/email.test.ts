import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';

const extract = (text: string) => compileEntities({ email: { type: 'email' } }).extract(text).map((e) => [e.value, e.text]);

describe('email entities', () => {
  it('lowercases and leaves out a sentence full stop', () => {
    expect(extract('Mail Bob.Smith+orders@Example.CO.uk.')).toEqual([['bob.smith+orders@example.co.uk', 'Bob.Smith+orders@Example.CO.uk']]);
  });

  it('finds addresses next to other scripts and several in a row', () => {
    expect(extract('邮箱abc@example.com，или ivan@mail.ru; a@b.io')).toEqual([
      ['abc@example.com', 'abc@example.com'],
      ['ivan@mail.ru', 'ivan@mail.ru'],
      ['a@b.io', 'a@b.io'],
    ]);
  });

  it('ignores things that only look like addresses', () => {
    expect(extract('@handle, user@localhost, a@b, @@, foo@.com')).toEqual([]);
  });

  it('stays fast on long runs without an @', () => {
    const started = performance.now();
    expect(extract('a.'.repeat(5_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
