import { describe, expect, it } from 'vitest';
import { compileTemplate, compileValue } from './templates.js';

describe('templates', () => {
  it('renders Liquid with lenient variables', () => {
    const t = compileTemplate("Hi {{ user.name | default: 'there' }}! {{ order.status }}");
    expect(t.render({ user: {} }).value).toBe('Hi there! ');
    expect(t.render({ user: { name: 'Ann' }, order: { status: 'shipped' } }).value).toBe('Hi Ann! shipped');
  });

  it('rejects unknown filters and bad syntax at compile time', () => {
    expect(() => compileTemplate('{{ x | nope }}')).toThrow(/undefined filter: nope/);
    expect(() => compileTemplate('{% if x %}')).toThrow(/not closed/);
  });

  it('cannot read files', () => {
    const outcome = compileTemplate('{% include "/etc/passwd" %}').render({});
    expect(outcome.value).toBe('');
    expect(outcome.error).toBeDefined();
  });

  it('keeps the type of a lone expression, and renders text otherwise', () => {
    expect(compileValue('{{ slots.n }}').evaluate({ slots: { n: 42 } }).value).toBe(42);
    expect(compileValue('{{ slots.n | plus: 1 }}').evaluate({ slots: { n: 42 } }).value).toBe(43);
    expect(compileValue('{{ order }}').evaluate({ order: { a: 1 } }).value).toEqual({ a: 1 });
    expect(compileValue('{{ missing }}').evaluate({}).value).toBeNull();
    expect(compileValue('n={{ slots.n }}').evaluate({ slots: { n: 42 } }).value).toBe('n=42');
    expect(compileValue('plain').evaluate({}).value).toBe('plain');
  });

  it('turns a render failure into an error text and an empty value', () => {
    const outcome = compileTemplate('{% for i in (1..100000000) %}xxxxxxxx{% endfor %}').render({});
    expect(outcome.value).toBe('');
    expect(outcome.error).toMatch(/limit/);
  });
});
