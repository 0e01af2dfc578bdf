import { describe, expect, it } from 'vitest';
import { flowJsonSchema } from './flow-schema.js';
import { validateFlow } from './flow-validator.js';
import { MAX_FLOW_SOURCE_BYTES, parseFlowSource } from './parse-flow-source.js';

const issuesOf = (input: unknown, integrations?: string[]) => {
  const result = validateFlow(input, integrations ? { integrations } : {});
  return result.ok ? result.warnings : result.issues;
};
const find = (input: unknown, code: string, integrations?: string[]) => issuesOf(input, integrations).filter((i) => i.code === code);

const base = {
  name: 'v',
  start: 'ask',
  nlu: { intents: { track_order: ['track'] }, entities: { order_id: { type: 'regex', pattern: '\\d+' } } },
  states: {
    ask: { type: 'intent', transitions: [{ when: 'intent == "track_order"', to: 'get_order' }] },
    get_order: { type: 'slot_filling', slots: [{ name: 'order_id', entity: 'order_id', prompt: 'Number?' }], next: 'done' },
    done: { type: 'end' },
  },
};
const withStates = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...base, ...extra, states: { ...base.states, ...states } });

describe('validateFlow', () => {
  it('accepts a good flow with no warnings', () => {
    const result = validateFlow(base);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it('reports unknown targets with did-you-mean, and a missing or unknown start', () => {
    const issues = find(withStates({ ask: { type: 'intent', transitions: [{ when: 'intent == "track_order"', to: 'get_ordr' }] } }), 'unknown_state');
    expect(issues).toEqual([{ path: 'states.ask.transitions[0].to', code: 'unknown_state', severity: 'error', message: "state 'ask' → 'get_ordr' does not exist; did you mean 'get_order'?" }]);
    expect(find({ ...base, start: 'aks' }, 'unknown_start')[0]).toMatchObject({ path: 'start', message: "start state 'aks' does not exist; did you mean 'ask'?" });
    const { start: _omit, ...noStart } = base;
    expect(find(noStart, 'required')[0]).toMatchObject({ path: 'start', message: 'this field is required' });
  });

  it('reports every problem at once, including in states next to shape errors', () => {
    const result = validateFlow(withStates({
      broken: { type: 'respnse', say: 'x' },
      bad_cel: { type: 'response', say: '{{ x | nope }}', transitions: [{ when: 'intent ==', to: 'nowhere' }] },
    }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const got = result.issues.map((i) => [i.path, i.code]);
    expect(got).toEqual(expect.arrayContaining([
      ['states.broken.type', 'invalid_value'],
      ['states.bad_cel.transitions[0].to', 'unknown_state'],
      ['states.bad_cel.transitions[0].when', 'invalid_condition'],
      ['states.bad_cel.say', 'invalid_template'],
      ['states.bad_cel', 'unreachable_state'],
    ]));
    expect(result.issues.find((i) => i.path === 'states.broken.type')?.message).toMatch(/response, intent, slot_filling/);
    expect(result.issues.find((i) => i.code === 'invalid_condition')?.message).toMatch(/Unexpected token: EOF/);
    expect(result.issues.find((i) => i.code === 'invalid_template')?.message).toMatch(/undefined filter: nope/);
  });

  it('warns about unreachable states and unknown intents without failing', () => {
    const result = validateFlow(withStates({
      ask: { type: 'intent', transitions: [{ when: 'intent == "trak_order"', to: 'get_order' }, { when: { field: 'intent', op: 'in', value: ['track_order', 'other'] }, to: 'done' }] },
      orphan: { type: 'end' },
    }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => [w.path, w.code, w.message])).toEqual([
      ['states.orphan', 'unreachable_state', "state 'orphan' can never be reached from start 'ask'"],
      ['states.ask.transitions[0].when', 'unknown_intent', "intent 'trak_order' is not defined in nlu.intents; did you mean 'track_order'?"],
      ['states.ask.transitions[1].when', 'unknown_intent', "intent 'other' is not defined in nlu.intents"],
    ]);
  });

  it('finds loops that never wait for the user', () => {
    const issues = find(withStates({ done: { type: 'response', next: 'again' }, again: { type: 'integration', integration: 'x', operation: 'y', transitions: [{ to: 'done' }] } }), 'loop_without_wait');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe("states done → again → done loop without waiting for the user; make one of them wait (intent, slot_filling, agent) or add a condition");
  });

  it('checks entities, slots, integrations, action paths, saved names and global transitions', () => {
    const flow = withStates(
      {
        get_order: {
          type: 'slot_filling',
          slots: [{ name: 'order_id', entity: 'order', prompt: 'N?' }, { name: 'mail', entity: 'email', prompt: 'Mail?' }, { name: 'mail', prompt: 'Again?' }],
          next: 'lookup',
          on_entry: [{ set: { 'intent': 'x' } }, { unset: ['vars.a', 'state'] }],
        },
        lookup: { type: 'integration', integration: 'ordrs', operation: 'get', save_as: 'user', next: 'done' },
      },
      { nlu: { ...base.nlu, entities: { order_id: { type: 'regex', pattern: '([0-9' } } }, global: [{ to: 'ask' }] },
    );
    const issues = issuesOf(flow, ['orders']);
    const byCode = (code: string) => issues.filter((i) => i.code === code).map((i) => [i.path, i.message]);
    expect(byCode('invalid_entity')).toEqual([['nlu.entities.order_id.pattern', expect.stringContaining("entity 'order_id': invalid regular expression")]]);
    expect(byCode('unknown_entity')).toEqual([['states.get_order.slots[0].entity', expect.stringContaining("uses entity 'order', which is not defined in nlu.entities")]]);
    expect(byCode('unknown_entity')[0]?.[1]).toMatch(/did you mean 'order_id'\?$/);
    expect(byCode('duplicate_slot')).toEqual([['states.get_order.slots[2].name', "slot 'mail' appears twice in state 'get_order'"]]);
    expect(byCode('unknown_integration')).toEqual([['states.lookup.integration', "integration 'ordrs' is not configured (configured: orders); did you mean 'orders'?"]]);
    expect(byCode('invalid_path').map(([p]) => p)).toEqual(['states.get_order.on_entry[0].set.intent', 'states.get_order.on_entry[1].unset.[1]']);
    expect(byCode('reserved_name')).toEqual([['states.lookup.save_as', expect.stringContaining("save_as 'user' would hide")]]);
    expect(byCode('always_matches')).toEqual([['global[0].when', expect.stringContaining('matches every message')]]);
    // Without a list of integrations, they are not checked.
    expect(find(flow, 'unknown_integration')).toEqual([]);
  });

  it('explains unknown actions, bad operators and unknown keys', () => {
    const issues = issuesOf(withStates({
      done: { type: 'end', on_entry: [{ sett: { 'vars.a': 1 } }], transitions: [{ when: { field: 'x', op: 'equals', value: 1 }, to: 'ask' }], sey: 'typo' },
    }));
    expect(issues.find((i) => i.code === 'unknown_key' && i.path === 'states.done.on_entry[0]')?.message).toMatch(/unknown key 'sett'; expected one of: set, unset, .* \(did you mean 'set'\?\)/);
    expect(issues.find((i) => i.path === 'states.done.transitions[0].when.op')?.message).toMatch(/eq.*ne/);
    expect(issues.find((i) => i.path === 'states.done.sey')).toMatchObject({ code: 'unknown_key', message: "unknown key 'sey'" });
    // The rest of a state with a shape error is still checked.
    const mixed = issuesOf(withStates({ get_order: { type: 'slot_filling', slots: [{ name: 'o', entity: 'order', prompt: 'x' }], next: 'done', on_entry: [{ sett: 1 }] } }));
    expect(mixed.map((i) => i.code)).toEqual(expect.arrayContaining(['unknown_key', 'unknown_entity']));
  });

  it('errors for states with nowhere to go and warns for conditional-only exits', () => {
    const issues = issuesOf(withStates({ done: { type: 'response', say: 'x' }, more: { type: 'response', say: 'y', transitions: [{ when: 'turn > 1', to: 'done' }] } }));
    expect(issues.find((i) => i.code === 'no_exit')).toMatchObject({ path: 'states.done', severity: 'error' });
    expect(issues.find((i) => i.code === 'no_default')).toMatchObject({ path: 'states.more.transitions', severity: 'warning' });
  });

  it('limits the number of states', () => {
    const states = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`s${i}`, { type: 'end' }]));
    expect(find({ name: 'big', start: 's0', states }, 'flow_too_large')[0]?.message).toMatch(/limit is 500/);
  });
});

describe('parseFlowSource', () => {
  it('parses YAML, JSON and objects', () => {
    expect(parseFlowSource('name: x\nstart: a')).toEqual({ ok: true, value: { name: 'x', start: 'a' } });
    expect(parseFlowSource('{"name": "x"}')).toEqual({ ok: true, value: { name: 'x' } });
    expect(parseFlowSource({ name: 'x' })).toEqual({ ok: true, value: { name: 'x' } });
  });

  it('reports YAML syntax errors with their line', () => {
    const result = parseFlowSource('name: x\nstates:\n  a: [1, 2\n  b: 3\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ code: 'invalid_yaml', line: expect.any(Number) });
    expect(result.issues[0]?.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
    const duplicate = parseFlowSource('states:\n  a: 1\n  a: 2\n');
    expect(duplicate.ok || duplicate.issues[0]?.message).toMatch(/line 3/);
  });

  it('refuses oversize and empty sources, stating the limit', () => {
    const big = `name: x\ndescription: "${'x'.repeat(MAX_FLOW_SOURCE_BYTES)}"`;
    const result = parseFlowSource(big);
    expect(result.ok || result.issues[0]).toMatchObject({ code: 'flow_too_large', message: expect.stringContaining('512 KiB') });
    expect(parseFlowSource('  ')).toMatchObject({ ok: false, issues: [{ code: 'empty_flow' }] });
  });
});

describe('flowJsonSchema', () => {
  it('exports a JSON Schema of the whole language', () => {
    const schema = flowJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'start', 'states']));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['nlu', 'global', 'states', 'settings']));
    expect(JSON.stringify(schema)).toContain('slot_filling');
  });
});

describe('validateFlow: regexes and generate instructions', () => {
  it('refuses regular expressions RE2 cannot run, with their path and the reason', () => {
    const flow = withStates({
      ask: {
        type: 'intent',
        transitions: [
          { when: { field: 'message.text', op: 'matches', value: '(a)\\1' }, to: 'done' },
          { when: 'message.text.matches("x(?!y)")', to: 'done' },
        ],
      },
    }, { nlu: { entities: { code: { type: 'regex', pattern: '(?<=#)\\d+(?=;)' } } } });
    expect(find(flow, 'unsupported_regex')).toEqual([
      expect.objectContaining({ path: 'states.ask.transitions[0].when.value', severity: 'error', message: expect.stringContaining('backreferences') }),
      expect.objectContaining({ path: 'states.ask.transitions[1].when', severity: 'error', message: expect.stringContaining('lookaheads') }),
    ]);
    expect(find(flow, 'invalid_entity')).toEqual([expect.objectContaining({ path: 'nlu.entities.code.pattern', message: expect.stringContaining('lookaheads') })]);
  });

  it('warns when generate.instructions template in user text, and not for the builder’s own data', () => {
    const generate = (instructions: string) => withStates({ talk: { type: 'response', generate: { instructions, fallback: 'Sorry.' }, next: 'done' } }, { start: 'talk' });
    expect(find(generate('Answer: {{ message.text }} for {{slots.order_id|upcase}}'), 'user_text_in_instructions')).toEqual([
      expect.objectContaining({ path: 'states.talk.generate.instructions', severity: 'warning', message: expect.stringMatching(/'message', 'slots'.*prompt injection.*conversation data/) }),
    ]);
    expect(find(generate('Be kind. The plan is {{ vars.plan }} and {{ order.status }}; say "slots" {{ "message" }}'), 'user_text_in_instructions')).toEqual([]);
  });
});
