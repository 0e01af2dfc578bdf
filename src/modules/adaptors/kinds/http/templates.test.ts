import { describe, expect, it } from 'vitest';
import { CallError } from '../../call-error.js';
import { evaluate, renderText, renderValue } from './templates.js';

const loop = '{% for i in (1..1000) %}{% for j in (1..150) %}{% assign x = j | plus: i %}{% endfor %}{% endfor %}';

describe('integration request templates', () => {
  it('renders text and keeps the type of a whole expression', () => {
    expect(renderValue({ id: '{{ input.id }}', note: 'order {{ input.id }}' }, { input: { id: 7 } }, 'body')).toEqual({ id: 7, note: 'order 7' });
  });

  it('gives all the renders of one request one time budget, then fails them as misconfigured', () => {
    const scope = { input: {} };
    const body = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, loop]));
    const error = (() => {
      try {
        renderValue(body, scope, 'operations.send.body');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CallError);
    expect(error).toMatchObject({ code: 'misconfigured', message: expect.stringMatching(/operations\.send\.body\.f\d+ is invalid: .*limit exceeded/) });
    // Once spent, the same request's next template fails at once; another request starts afresh.
    expect(() => renderText('{{ input.id }}', scope, 'headers.x')).toThrow(/render limit exceeded/);
    expect(() => evaluate('input.id', scope, 'output')).toThrow(/render limit exceeded/);
    expect(renderText('id={{ input.id }}', { input: { id: 1 } }, 'headers.x')).toBe('id=1');
  });

  it('refuses a range too large to build', () => {
    expect(() => renderText('{% for i in (1..3000000) %}{% endfor %}', { input: {} }, 'query.q')).toThrow(/memory alloc limit exceeded/);
  });
});
