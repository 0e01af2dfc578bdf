import { describe, expect, it } from 'vitest';
import { EvaluationBudget, OVER_BUDGET, TURN_LIMITS } from './budget.js';
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

describe('templates under a turn budget', () => {
  const loop = '{% for i in (1..300) %}{% for j in (1..300) %}{% assign x = j | plus: i %}{% endfor %}{% endfor %}done';

  it('shares one budget across the renders of a turn: once spent, later renders fail at once', () => {
    const budget = new EvaluationBudget({ ...TURN_LIMITS, liquidMs: 1 });
    const first = compileTemplate(loop).render({}, budget);
    expect(first).toEqual({ value: '', error: expect.stringMatching(/limit exceeded/) });
    expect(budget.exceeded).toMatch(/Liquid templates rendered for more than 1 ms/);
    expect(compileTemplate('Hi {{ name }}').render({ name: 'Ann' }, budget)).toEqual({ value: '', error: expect.stringContaining(OVER_BUDGET) });
    expect(compileValue('{{ n }}').evaluate({ n: 1 }, budget).error).toContain(OVER_BUDGET);
  });

  it('counts the memory a range takes before its loop starts', () => {
    const budget = new EvaluationBudget({ ...TURN_LIMITS, liquidMemory: 1_000 });
    expect(compileTemplate('{% for i in (1..2000) %}{% endfor %}').render({}, budget).error).toMatch(/memory alloc limit exceeded/);
    expect(budget.exceeded).toMatch(/built more than 1000 items/);
  });
});
