import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { assertSafeInput, findInputProblem, MAX_INPUT_DEPTH, parseUntrustedJson } from './safe-input.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
};

describe('findInputProblem', () => {
  it('passes ordinary input, emoji (surrogate pairs) included', () => {
    expect(findInputProblem({ text: 'hello 👋', list: [1, null, true, { deep: ['x'] }] })).toBeNull();
    expect(findInputProblem(nested(MAX_INPUT_DEPTH))).toBeNull();
  });

  it('finds a NUL in a value or a key, and says where', () => {
    expect(findInputProblem({ user: { names: ['ok', 'a\u0000b'] } })).toMatchObject({ path: 'user.names.1', message: expect.stringContaining('NUL') });
    expect(findInputProblem({ user: { 'k\u0000': 1 } })).toMatchObject({ path: 'user', message: expect.stringContaining('key') });
    expect(findInputProblem('top\u0000')).toMatchObject({ path: '' });
  });

  it('finds unpaired surrogates, which PostgreSQL jsonb refuses', () => {
    expect(findInputProblem({ t: 'a\ud800b' })).toMatchObject({ path: 't', message: expect.stringContaining('surrogate') });
    expect(findInputProblem({ t: '\udc00' })).not.toBeNull();
  });

  it('stops at the depth limit without recursing, however deep the input', () => {
    expect(findInputProblem(nested(MAX_INPUT_DEPTH + 1))).toMatchObject({ message: expect.stringContaining('deeper than 64') });
    expect(findInputProblem(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).not.toBeNull();
  });
});

describe('assertSafeInput and parseUntrustedJson', () => {
  it('throw 400s that name the input and the place', () => {
    expect(() => assertSafeInput({ a: 'x\u0000' }, 'request body')).toThrow(/Invalid request body: the value at 'a' contains a NUL/);
    expect(() => parseUntrustedJson('{"a":', 'webhook body')).toThrow(expect.objectContaining({ code: 'invalid_json' }) as AppError);
    expect(() => parseUntrustedJson('{"a":"\\u0000"}', 'webhook body')).toThrow(expect.objectContaining({ code: 'bad_request' }) as AppError);
    expect(parseUntrustedJson('{"a":[1]}', 'webhook body')).toEqual({ a: [1] });
  });
});
