import { describe, expect, it } from 'vitest';
import { EvaluationBudget, OVER_BUDGET, TURN_LIMITS } from './budget.js';
import type { Condition } from './condition-schema.js';
import { compileCondition, ConditionError } from './conditions.js';

const scope = {
  intent: 'track_order',
  confidence: 0.82,
  turn: 3,
  entities: { order_id: '12345' },
  slots: { size: 'M', count: 2, tags: ['a', 'b'], empty: '' },
  vars: { goal: 'cancel', n: 5, nothing: null },
  user: { name: 'Ann', email: 'ann@example.com' },
  message: { text: 'hello there', payload: null },
};
const test = (c: Condition) => compileCondition(c).test(scope);

describe('CEL conditions', () => {
  it('evaluates against the scope, with numbers as CEL ints or doubles', () => {
    expect(test('intent == "track_order" && confidence > 0.5')).toEqual({ value: true });
    expect(test('turn % 2 == 1 && vars.n + 1 > 5')).toEqual({ value: true });
    expect(test('entities["order_id"] == "12345" && "a" in slots.tags')).toEqual({ value: true });
    expect(test('user.email.endsWith("@example.com") && message.text.matches("^hel")')).toEqual({ value: true });
    expect(test('slots.tags.exists(t, t == "b") && size(slots.tags) == 2')).toEqual({ value: true });
  });

  it('reads a missing path as null; null equals only null and never orders', () => {
    expect(test('vars.missing == null')).toEqual({ value: true });
    expect(test('vars.missing.deeper == null && unknown_root == null')).toEqual({ value: true });
    expect(test('vars.missing == "x"')).toEqual({ value: false });
    expect(test('vars.missing != "x"')).toEqual({ value: true });
    expect(test('vars.missing > 3')).toEqual({ value: false });
    expect(test('vars.missing <= 3 || vars.missing >= 3')).toEqual({ value: false });
    expect(test('has(vars.goal) && !has(vars.missing) && !has(vars.nothing)')).toEqual({ value: true });
  });

  it('turns a run-time error into false with a message, never an exception', () => {
    const outcome = test('user.name > 3');
    expect(outcome.value).toBe(false);
    expect(outcome.error).toMatch(/cannot compare string with/);
    expect(test('vars.goal + 1 == 2').error).toBeDefined();
    expect(test('vars.goal').error).toMatch(/true or false/);
  });

  it('rejects bad CEL at compile time with the parser message', () => {
    expect(() => compileCondition('intent == ')).toThrow(ConditionError);
    expect(() => compileCondition('intent == ')).toThrow(/invalid CEL expression "intent == ": Unexpected token: EOF/);
    expect(() => compileCondition('nosuchfn(intent)')).toThrow(/no matching overload/);
  });

  it('collects literals compared with paths (for unknown-intent warnings)', () => {
    expect(compileCondition('intent == "a" || "b" == intent || intent in ["c"]').comparedLiterals.map((l) => l.value)).toEqual(['a', 'b', 'c']);
  });
});

describe('structured conditions', () => {
  const cases: [Condition, boolean][] = [
    [{ field: 'intent', op: 'eq', value: 'track_order' }, true],
    [{ field: 'intent', op: 'ne', value: 'track_order' }, false],
    [{ field: 'vars.n', op: 'gt', value: 4 }, true],
    [{ field: 'vars.n', op: 'gte', value: 5 }, true],
    [{ field: 'vars.n', op: 'lt', value: 5 }, false],
    [{ field: 'vars.n', op: 'lte', value: 5 }, true],
    [{ field: 'entities.order_id', op: 'gt', value: 10000 }, true],
    [{ field: 'slots.size', op: 'in', value: ['S', 'M'] }, true],
    [{ field: 'slots.size', op: 'not_in', value: ['S', 'M'] }, false],
    [{ field: 'slots.tags', op: 'contains', value: 'b' }, true],
    [{ field: 'message.text', op: 'contains', value: 'there' }, true],
    [{ field: 'user.name', op: 'starts_with', value: 'An' }, true],
    [{ field: 'user.email', op: 'ends_with', value: '.com' }, true],
    [{ field: 'user.email', op: 'matches', value: '^[a-z]+@' }, true],
    [{ field: 'vars.goal', op: 'exists' }, true],
    [{ field: 'vars.missing', op: 'exists' }, false],
    [{ field: 'vars.missing', op: 'exists', value: false }, true],
    [{ field: 'slots.empty', op: 'empty' }, true],
    [{ field: 'slots.tags', op: 'empty' }, false],
    [{ field: 'vars.missing', op: 'eq', value: null }, true],
    [{ field: 'vars.missing', op: 'eq', value: 'x' }, false],
    [{ field: 'vars.missing', op: 'gt', value: 1 }, false],
    [{ field: 'vars.missing', op: 'lt', value: 1 }, false],
    [{ field: 'vars.missing', op: 'contains', value: 'x' }, false],
    [{ all: [{ field: 'vars.n', op: 'gt', value: 1 }, 'intent == "track_order"'] }, true],
    [{ any: [{ field: 'vars.n', op: 'gt', value: 10 }, { not: { field: 'vars.goal', op: 'eq', value: 'x' } }] }, true],
  ];
  it.each(cases)('%j → %s', (condition, expected) => {
    expect(test(condition)).toEqual({ value: expected });
  });

  it('checks operator values when compiling, with the path inside the condition', () => {
    const error = (() => {
      try {
        compileCondition({ all: [{ field: 'x', op: 'matches', value: '([' }] });
      } catch (e) {
        return e as ConditionError;
      }
      return null;
    })();
    expect(error?.subPath).toBe('all[0].value');
    expect(error?.message).toMatch(/invalid regular expression/);
    expect(() => compileCondition({ field: 'x', op: 'in', value: 3 })).toThrow(/needs a list/);
    expect(() => compileCondition({ field: 'x', op: 'eq' })).toThrow(/needs a value/);
  });
});

describe('evaluation budget and linear-time regexes', () => {
  const list = `[${Array.from({ length: 200 }, (_, i) => i + 1).join(', ')}]`;
  const nested = `${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c > 0)))`;

  it('stops nested CEL comprehensions when the budget runs out, and the budget says why', () => {
    const budget = new EvaluationBudget({ ...TURN_LIMITS, celSteps: 1_000 });
    const outcome = compileCondition(nested).test(scope, budget);
    expect(outcome).toEqual({ value: false, error: expect.stringContaining(OVER_BUDGET) });
    expect(budget.exceeded).toMatch(/CEL comprehensions ran more than 1000 iterations/);
    // Whatever else the turn evaluates fails at once.
    expect(compileCondition('intent == "track_order"').test(scope, budget)).toMatchObject({ value: false, error: expect.stringContaining(OVER_BUDGET) });
    expect(compileCondition('[1, 2].all(x, x > 0)').test(scope)).toEqual({ value: true });
  });

  it('charges what CEL + builds, so binds that double a list stop instead of exhausting memory', () => {
    const names = 'abcdefghijklmnopqrstuvwxyz'.split('');
    const doubling = `cel.bind(a, ${list}, ${names.slice(1).map((n, i) => `cel.bind(${n}, ${names[i]} + ${names[i]}, `).join('')}size(z) > 0${')'.repeat(names.length)}`;
    const budget = new EvaluationBudget();
    expect(compileCondition(doubling).test(scope, budget).error).toContain(OVER_BUDGET);
    expect(budget.exceeded).toMatch(/CEL '\+' built more than 100000 list elements or characters/);
    expect(test('vars.n + 1 == 6 && "a" + "b" == "ab" && [1] + [2] == [1, 2]')).toEqual({ value: true });
    expect(() => compileCondition('vars.goal + 1 > 2 && "a" + 1 == "a1"')).toThrow(/no matching overload|no such overload/);
  });

  it('runs op: matches and CEL .matches() on RE2, charging the input to the budget', () => {
    const attack = { ...scope, message: { text: `${'a'.repeat(5_000)}!` } };
    expect(compileCondition({ field: 'message.text', op: 'matches', value: '^([a-zA-Z]+\\s?)+$' }).test(attack)).toEqual({ value: false });
    expect(compileCondition('message.text.matches("^(a|aa)+$")').test(attack)).toEqual({ value: false });
    expect(compileCondition('matches(message.text, "^a+!$")').test(attack)).toEqual({ value: true });
    const budget = new EvaluationBudget({ ...TURN_LIMITS, regexChars: 6_000 });
    expect(compileCondition({ field: 'message.text', op: 'matches', value: 'b' }).test(attack, budget)).toEqual({ value: false });
    expect(compileCondition({ field: 'message.text', op: 'matches', value: 'b' }).test(attack, budget).error).toContain(OVER_BUDGET);
    expect(budget.exceeded).toMatch(/scanned more than 6000 characters/);
  });

  it('lists patterns RE2 cannot run with their path, and fails them at run time instead of refusing to compile', () => {
    const structured = compileCondition({ any: [{ field: 'x', op: 'matches', value: '(a)\\1' }] });
    expect(structured.regexProblems).toEqual([{ subPath: 'any[0].value', message: expect.stringContaining('backreferences') }]);
    expect(structured.test(scope)).toMatchObject({ value: false, error: expect.stringContaining('backreferences') });
    expect(compileCondition('message.text.matches("a(?=b)")').regexProblems).toEqual([{ subPath: '', message: expect.stringContaining('lookaheads') }]);
    expect(compileCondition('message.text.matches("^a")').regexProblems).toEqual([]);
    expect(() => compileCondition('message.text.matches(1)')).toThrow(/no matching overload for 'matches\(dyn, int\)'/);
  });
});
