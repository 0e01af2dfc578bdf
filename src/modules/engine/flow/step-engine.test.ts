import { describe, expect, it } from 'vitest';
import { compileFlow } from './compile-flow.js';
import type { FlowDefinition } from './flow-schema.js';
import { loadFlow, message, runTurn, traceTypes } from './step-test-kit.js';
import { step } from './step.js';
import type { TraceEvent } from './trace.js';
import { SAFE_REPLY } from './turn.js';
import { EvaluationBudget, TURN_LIMITS } from './budget.js';

describe('step', () => {
  const menu = loadFlow({
    name: 'menu',
    start: 'hello',
    nlu: { intents: { prices: ['prices'], hours: ['hours'] } },
    states: {
      hello: { type: 'response', say: ['Hello!', 'Hi!'], next: 'choose' },
      choose: {
        type: 'intent',
        say: 'Pick one',
        buttons: [{ title: 'Prices', payload: 'prices' }, { title: 'Other', payload: 'other' }],
        transitions: [
          { when: 'intent == "prices"', to: 'prices' },
          { when: { field: 'payload', op: 'eq', value: 'other' }, to: 'other' },
          { when: 'message.text.size() > 100', to: 'other' },
        ],
        fallback: { say: 'Please pick one.' },
      },
      prices: { type: 'response', say: 'Cheap. Confidence {{ confidence }} by {{ intent }}.', next: 'choose' },
      other: { type: 'end', say: 'Bye {{ user.name | upcase }}' },
    },
  });

  it('picks say variations from the turn number and attaches buttons', () => {
    const t1 = runTurn(menu, null, message('x'));
    expect(t1.replies[0]).toEqual({ type: 'text', text: 'Hi!' });
    expect(t1.replies[1]).toEqual({ type: 'text', text: 'Pick one', buttons: [{ title: 'Prices', payload: 'prices' }, { title: 'Other', payload: 'other' }] });
    // The first message of a conversation is a greeting: it gets the greeting, not a fallback too.
    expect(t1.texts).toHaveLength(2);
  });

  it('treats a payload naming an intent as that intent with confidence 1, and other payloads via `payload`', () => {
    const t1 = runTurn(menu, null, message('', null, { payload: 'prices' }));
    expect(t1.texts).toEqual(['Hi!', 'Pick one', 'Cheap. Confidence 1 by prices.', 'Pick one']);
    expect(t1.trace.find((e) => e.type === 'intent')).toMatchObject({ name: 'prices', confidence: 1, provider: 'postback' });
    const t2 = runTurn(menu, t1.result.context, message('', null, { payload: 'other', user: { name: 'ann' } }));
    expect(t2.texts).toEqual(['Bye ANN']);
    expect(t2.result.status).toBe('ended');
  });

  it('keeps saying the fallback when it has no `then`, and a failing condition is traced, not thrown', () => {
    const t1 = runTurn(menu, null, message('x'));
    // `message.text.size()` on a payload-only message has text null → condition_error, false.
    const t2 = runTurn(menu, t1.result.context, message('', null, { payload: 'zzz', text: undefined }));
    expect(t2.texts).toEqual(['Please pick one.']);
    expect(t2.trace.find((e) => e.type === 'condition_error')).toMatchObject({ condition: 'message.text.size() > 100', state: 'choose' });
    expect(t2.result.context.internal.fallbackCount).toBe(1);
  });

  it('counts turns once per user message and merges user data', () => {
    const t1 = runTurn(menu, null, message('x', null, { user: { id: 'u1' } }));
    const t2 = runTurn(menu, t1.result.context, message('y', null, { user: { name: 'Ann' } }));
    expect(t2.result.context.turn).toBe(2);
    expect(t2.result.context.user).toEqual({ id: 'u1', name: 'Ann' });
  });

  const loop: FlowDefinition = {
    name: 'loop',
    start: 'a',
    states: {
      a: { type: 'response', say: 'a', transitions: [{ when: 'turn > 0', to: 'b' }, { to: 'end' }] },
      b: { type: 'response', transitions: [{ when: 'turn > 0', to: 'a' }, { to: 'end' }] },
      end: { type: 'end' },
    },
  };

  it('stops a cycle at the step limit with a safe reply and ends the run', () => {
    const r = step(compileFlow(loop), null, message('x'));
    expect(r.status).toBe('ended');
    expect(r.replies).toEqual([{ type: 'text', text: SAFE_REPLY }]);
    expect(r.trace.find((e) => e.type === 'step_limit')).toMatchObject({ limit: 50, states: ['b', 'a', 'b'] });
    expect(r.trace.find((e) => e.type === 'error')?.type === 'error' && r.trace.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringContaining('b → a → b loops without waiting') });
    expect(r.context.internal.visited).toHaveLength(50);
    const again = step(compileFlow(loop), r.context, message('y'), { maxSteps: 5 });
    expect(again.trace.find((e) => e.type === 'step_limit')).toMatchObject({ limit: 5 });
    const withSetting = step(compileFlow({ ...loop, settings: { max_steps: 7 } }), null, message('x'), { maxSteps: 5 });
    expect(withSetting.trace.find((e) => e.type === 'step_limit')).toMatchObject({ limit: 7 });
  });

  it('renders a failing template as nothing and traces it', () => {
    const flow = compileFlow({
      name: 't',
      start: 's',
      states: { s: { type: 'end', say: '{% include "missing" %}' } },
    });
    const r = step(flow, null, message('x'));
    expect(r.replies).toEqual([]);
    expect(traceTypes(r.trace)).toContain('template_error');
  });

  it('ends with a safe reply when no transition matches', () => {
    const flow = compileFlow({ name: 'd', start: 's', states: { s: { type: 'response', say: 'hi', transitions: [{ when: 'turn > 5', to: 'e' }] }, e: { type: 'end' } } });
    const r = step(flow, null, message('x'));
    expect(r.replies.map((x) => x.text)).toEqual(['hi', SAFE_REPLY]);
    expect(r.trace.find((e) => e.type === 'error')).toMatchObject({ code: 'no_transition' });
    expect(r.status).toBe('ended');
  });

  it('uses the generate fallback when the model fails, and the model text when it answers', () => {
    const flow = compileFlow({
      name: 'g',
      start: 's',
      states: {
        s: { type: 'response', generate: { instructions: 'Greet {{ user.name }}', fallback: 'Hello {{ user.name }}' }, quick_replies: [{ title: 'Ok', payload: 'ok' }], next: 'e' },
        e: { type: 'end' },
      },
    });
    const first = step(flow, null, message('x', null, { user: { name: 'Ann' } }));
    expect(first.effect).toMatchObject({ kind: 'generate', instructions: 'Greet Ann', fallback: 'Hello Ann' });
    if (first.effect?.kind !== 'generate') throw new Error('expected generate');
    expect(first.effect.scope.user).toEqual({ name: 'Ann' });
    const failed = step(flow, first.context, { type: 'effect_result', effectId: first.effect.id, ok: false, error: { code: 'model_failed', message: 'x' }, now: 'n' });
    expect(failed.replies).toEqual([{ type: 'text', text: 'Hello Ann', quickReplies: [{ title: 'Ok', payload: 'ok' }] }]);
    const answered = step(flow, first.context, { type: 'effect_result', effectId: first.effect.id, ok: true, value: 'Hey Ann!', now: 'n' });
    expect(answered.replies[0]?.text).toBe('Hey Ann!');
  });

  it('starts over when a message arrives while an effect is still pending', () => {
    const flow = loadFlow({ name: 'i', start: 'call', states: { call: { type: 'integration', integration: 'x', operation: 'y', next: 'done' }, done: { type: 'end', say: 'done' } } });
    const first = step(flow, null, message('x'));
    expect(first.status).toBe('effect');
    const second = step(flow, first.context, message('again'));
    expect(second.trace[0]).toMatchObject({ type: 'error', code: 'effect_abandoned' });
    expect(second.status).toBe('effect');
  });

  it('starts over when the waiting state no longer exists (flow changed)', () => {
    const t1 = runTurn(menu, null, message('x'));
    const ctx = { ...t1.result.context, state: 'gone' };
    const t2 = runTurn(menu, ctx, message('y'));
    expect(t2.trace[0]).toMatchObject({ type: 'error', code: 'unknown_state' });
    expect(t2.texts[0]).toBe('Hello!');
  });

  describe('evaluation budget', () => {
    const list = `[${Array.from({ length: 100 }, (_, i) => i + 1).join(', ')}]`;
    const heavy = `${list}.all(a, ${list}.all(b, a + b > 0))`;
    const small = () => ({ budget: new EvaluationBudget({ ...TURN_LIMITS, celSteps: 500 }) });
    const errorOf = (trace: readonly TraceEvent[]) => trace.find((e) => e.type === 'error');

    it('ends a turn whose transition runs out of budget with an error in the trace and the safe reply', () => {
      const flow = compileFlow({ name: 'b', start: 's', states: { s: { type: 'response', say: 'Hi', transitions: [{ when: heavy, to: 'e' }] }, e: { type: 'end', say: 'never' } } });
      const r = step(flow, null, message('x'), small());
      expect(r.status).toBe('ended');
      expect(r.replies.map((x) => x.text)).toEqual(['Hi', SAFE_REPLY]);
      expect(errorOf(r.trace)).toMatchObject({ code: 'budget_exceeded', state: 's', message: expect.stringContaining('more than 500 iterations') });
      expect(step(flow, null, message('x')).replies.map((x) => x.text)).toEqual(['Hi', 'never']);
    });

    it('also when a waiting state takes the message (slot validate), outside the run queue', () => {
      const flow = compileFlow({
        name: 'v',
        start: 'ask',
        states: { ask: { type: 'slot_filling', slots: [{ name: 'n', prompt: 'N?', retry: 'Again?', validate: heavy }], next: 'e' }, e: { type: 'end', say: 'ok' } },
      });
      const first = step(flow, null, message(''));
      expect(first.status).toBe('waiting');
      const r = step(flow, first.context, message('12'), small());
      expect(r.status).toBe('ended');
      expect(r.replies.at(-1)?.text).toBe(SAFE_REPLY);
      expect(traceTypes(r.trace)).toContain('condition_error');
      expect(errorOf(r.trace)).toMatchObject({ code: 'budget_exceeded' });
    });
  });
});
