import { describe, expect, it } from 'vitest';
import { compileFlow } from './compile-flow.js';
import type { FlowContext } from './context.js';
import { entity, loadFlow, message, nlu, runTurn } from './step-test-kit.js';

/** The shop of the analytics tests: a menu with a fallback that escalates, a slot, an integration and a goal. */
const shop = loadFlow(
  {
    name: 'shop',
    start: 'welcome',
    nlu: { intents: { buy: ['buy'], bye: ['bye'], human: ['agent'] } },
    global: [{ when: 'intent == "human"', to: 'agent' }],
    states: {
      welcome: { type: 'response', say: 'Welcome!', next: 'menu' },
      menu: {
        type: 'intent',
        transitions: [{ when: 'intent == "buy"', to: 'quantity' }, { when: 'intent == "bye"', to: 'quit' }],
        fallback: { say: 'Say buy or bye.', max: 1, then: 'agent' },
      },
      quantity: { type: 'slot_filling', slots: [{ name: 'count', entity: 'number', prompt: 'How many?', validate: 'value >= 1' }], next: 'lookup' },
      lookup: { type: 'integration', integration: 'stock', operation: 'check', save_as: 'stock', on_error: 'agent', next: 'done' },
      done: { type: 'end', goal: true, say: 'Ordered.' },
      quit: { type: 'end', say: 'Bye.' },
      agent: { type: 'handoff', say: 'A person will help.' },
    },
  },
  ['stock'],
);

const turns = (...texts: [string, ReturnType<typeof nlu> | null][]) => {
  let context: FlowContext | null = null;
  return texts.map(([text, understood]) => {
    const t = runTurn(shop, context, message(text, understood), () => ({ ok: true, value: { inStock: true } }));
    context = t.result.context;
    return t.summary;
  });
};

describe('the turn summary the flow interpreter gives', () => {
  it('does not count a new conversation\'s first message as a fallback, then counts each miss, the last one escalating to a handoff', () => {
    const [greeting, miss, escalated, toPerson] = turns(['blah', nlu('fallback', 0.2)], ['qwerty', nlu('fallback', 0.1)], ['hello?', null], ['anyone?', null]);
    expect(greeting).toMatchObject({ started: true, fallback: null, handoff: false, statesEntered: ['welcome', 'menu'] });
    expect(greeting!.intent).toEqual({ name: 'fallback', confidence: 0.2, provider: 'test', state: 'menu' });
    expect(miss).toMatchObject({ started: false, fallback: { state: 'menu', reason: 'no_match', then: null }, handoff: false, statesEntered: [] });
    // No NLU at all (nothing to classify) is the fallback intent too.
    expect(escalated).toMatchObject({ fallback: { state: 'menu', reason: 'no_match', then: 'agent' }, handoff: true, statesEntered: ['agent'], statesExited: ['menu'] });
    expect(escalated!.intent).toMatchObject({ name: 'fallback', confidence: null, state: 'menu' });
    // A message to the person is no new handoff, and no state took it.
    expect(toPerson).toMatchObject({ handoff: false, intent: null, fallback: null, statesEntered: [] });
  });

  it('reaches a goal across an integration call, with the slot filled on the way', () => {
    const [first, answer] = turns(['buy', nlu('buy')], ['3', nlu('fallback', 0.1, [entity('number', 3)])]);
    expect(first).toMatchObject({ started: true, fallback: null, ended: false, statesEntered: ['welcome', 'menu', 'quantity'] });
    expect(answer).toMatchObject({
      fallback: null,
      ended: true,
      goal: true,
      intent: { name: 'fallback', state: 'quantity' },
      slotsFilled: [{ state: 'quantity', slot: 'count' }],
      statesEntered: ['lookup', 'done'],
      errors: [],
    });
  });

  it('ends without a goal, and hands off on request', () => {
    const [quit] = turns(['bye', nlu('bye')]);
    expect(quit).toMatchObject({ started: true, ended: true, goal: false, handoff: false });
    const [human] = turns(['agent', nlu('human')]);
    expect(human).toMatchObject({ started: true, handoff: true, ended: false, fallback: null });
  });

  it('does not count a slot answer that fails validation as a fallback', () => {
    const [, invalid] = turns(['buy', nlu('buy')], ['zero', nlu('fallback', 0.1, [entity('number', 0)])]);
    expect(invalid).toMatchObject({ fallback: null, slotsFilled: [], intent: { state: 'quantity' } });
  });
});

describe('fallbacks of confirmations', () => {
  const confirmed = loadFlow({
    name: 'confirm',
    start: 'collect',
    states: {
      collect: { type: 'slot_filling', slots: [{ name: 'name', prompt: 'Your name?' }], confirm: { say: 'Name {{ slots.name }}?' }, next: 'done' },
      done: { type: 'end', say: 'Done.', goal: true },
    },
  });

  it('counts an answer that is neither yes nor no, but not a "no" that asks what to change', () => {
    const first = runTurn(confirmed, null, message('hi'));
    const named = runTurn(confirmed, first.result.context, message('Ann'));
    expect(named.texts).toEqual(['Name Ann?']);
    const unclear = runTurn(confirmed, named.result.context, message('purple'));
    expect(unclear.summary.fallback).toEqual({ state: 'collect', reason: 'unclear_answer', then: null });
    const no = runTurn(confirmed, unclear.result.context, message('no'));
    expect(no.summary.fallback).toBeNull();
    const yes = runTurn(confirmed, named.result.context, message('yes'));
    expect(yes.summary).toMatchObject({ fallback: null, ended: true, goal: true });
  });
});

describe('errors in the summary', () => {
  it('names a step-limit stop once', () => {
    // Conditions the validator cannot see through make a loop it lets pass.
    const looping = compileFlow({
      name: 'loop',
      start: 'a',
      states: {
        a: { type: 'response', say: 'a', transitions: [{ when: 'turn > 0', to: 'b' }, { to: 'end' }] },
        b: { type: 'response', transitions: [{ when: 'turn > 0', to: 'a' }, { to: 'end' }] },
        end: { type: 'end' },
      },
    });
    const t = runTurn(looping, null, message('hi'), undefined, 6);
    expect(t.summary.errors).toEqual([{ state: 'b', code: 'step_limit' }]);
    expect(t.summary.ended).toBe(false);
  });
});
