import { describe, expect, it } from 'vitest';
import { checkTurn, diffReplies, type TurnActual } from './expectations.js';
import { parseSuite } from './suite-schema.js';

const text = (t: string, titles: string[] = []) => ({ type: 'text' as const, text: t, ...(titles.length ? { buttons: titles.map((title) => ({ title, payload: title })) } : {}) });
const actual = (over: Partial<TurnActual> = {}): TurnActual => ({
  replies: [text('Hi Ada!'), text('Your order number?')],
  state: 'get_order',
  intent: 'track_order',
  slots: { order_id: '12345' },
  vars: { goal: 'track', order: { id: '12345', status: 'shipped' } },
  ended: false,
  handoff: false,
  ...over,
});

describe('checkTurn', () => {
  it('passes when every given expectation holds (exact, contains, matches, buttons, subsets)', () => {
    const failures = checkTurn(
      {
        replies: [{ contains: 'Ada' }, { matches: '^Your order' }],
        state: 'get_order',
        intent: 'track_order',
        slots: { order_id: '12345', email: null },
        vars: { order: { status: 'shipped' } },
        ended: false,
        handoff: false,
      },
      actual(),
    );
    expect(failures).toEqual([]);
    expect(checkTurn({ replies: [{ text: 'Pick', buttons: ['Yes', 'No'] }] }, actual({ replies: [text('Pick', ['Yes', 'No'])] }))).toEqual([]);
  });

  it('reports each mismatch by field, nested paths included', () => {
    const failures = checkTurn({ state: 'lookup', slots: { order_id: 12345 }, vars: { order: { status: 'lost' } }, ended: true }, actual());
    expect(failures).toEqual([
      { field: 'state', expected: 'lookup', actual: 'get_order' },
      { field: 'ended', expected: true, actual: false },
      { field: 'slots.order_id', expected: 12345, actual: '12345' },
      { field: 'vars.order.status', expected: 'lost', actual: 'shipped' },
    ]);
  });

  it('aligns replies so that one wrong reply is one -/+ pair', () => {
    const [failure] = checkTurn({ replies: ['Hi Ada!', 'What is your order number?'] }, actual());
    expect(failure?.diff).toEqual([
      { kind: 'same', text: '"Hi Ada!"' },
      { kind: 'missing', text: '"What is your order number?"' },
      { kind: 'unexpected', text: '"Your order number?"' },
    ]);
    expect(diffReplies([], [text('extra')])).toEqual([{ kind: 'unexpected', text: '"extra"' }]);
    expect(diffReplies([{ contains: 'gone' }], [])).toEqual([{ kind: 'missing', text: 'contains "gone"' }]);
  });

  it('treats a catastrophic pattern that runs out of time as no match, without hanging', () => {
    const [failure] = checkTurn({ replies: [{ matches: '^(a+)+$' }] }, actual({ replies: [text(`${'a'.repeat(40)}!`)] }));
    expect(failure?.field).toBe('replies');
  });
});

describe('parseSuite', () => {
  it('accepts YAML and reports every problem with its path', () => {
    expect(parseSuite('tests:\n  - name: a\n    turns: [{ say: hi, expect: { state: x } }]\n').ok).toBe(true);
    const bad = parseSuite('tests:\n  - name: a\n    turns:\n      - sya: hi\n      - say: hi\n        expect: { replies: [{ matches: "(" }], stat: x }\n');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "tests[0].turns[0].sya: unknown key 'sya'",
      'tests[0].turns[0]: a turn needs `say` (non-empty text) or `payload`',
      'tests[0].turns[1].expect.replies[0].matches: not a valid regular expression',
      "tests[0].turns[1].expect.stat: unknown key 'stat'",
    ]);
  });

  it('explains YAML syntax errors and missing tests', () => {
    const syntax = parseSuite('tests: [\n');
    expect(!syntax.ok && syntax.issues[0]?.message).toMatch(/^YAML syntax error at line \d+/);
    const empty = parseSuite({ flow: './x.yaml' });
    expect(!empty.ok && empty.issues.map((i) => i.path)).toEqual(['tests']);
    const badNow = parseSuite({ now: 'tomorrow', tests: [{ name: 'a', turns: [{ say: 'x' }] }] });
    expect(!badNow.ok && badNow.issues[0]?.message).toMatch(/ISO 8601/);
  });
});
