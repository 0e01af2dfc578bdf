import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowSource } from './parse-flow-source.js';
import { validateFlow } from './flow-validator.js';
import { entity, loadFlow, message, nlu, runTurn, type EffectHandler } from './step-test-kit.js';

const source = readFileSync(new URL('./fixtures/order-support.yaml', import.meta.url), 'utf8');
const flow = loadFlow(source, ['orders']);
const orders: EffectHandler = (effect) =>
  effect.kind === 'integration' ? { ok: true, value: { id: effect.input.id, status: 'shipped' } } : { ok: false, error: { code: 'no_model', message: 'offline' } };

describe('DESIGN §4 example flow', () => {
  it('greets, takes the first message in the first waiting state, and tracks an order', () => {
    const t1 = runTurn(flow, null, message('where is my order', nlu('track_order'), { user: { name: 'Ann' } }), orders);
    expect(t1.texts).toEqual(['Hi Ann! I can track or cancel an order.', 'Your order number?']);
    expect(t1.result.status).toBe('waiting');
    expect(t1.result.context.state).toBe('get_order');

    const t2 = runTurn(flow, t1.result.context, message('it is 12345', nlu('fallback', 0.2, [entity('order_id', '12345')])), orders);
    expect(t2.effects.map((e) => e.kind)).toEqual(['integration', 'generate']);
    expect(t2.effects[0]).toMatchObject({ integration: 'orders', operation: 'get_order', input: { id: '12345' }, timeoutMs: 10000 });
    // The generate effect fails here, so the rendered template fallback is said.
    expect(t2.texts).toEqual(['Order 12345 is shipped.']);
    expect(t2.result.status).toBe('ended');
    expect(t2.result.context.vars.order).toEqual({ id: '12345', status: 'shipped' });
    expect(t2.trace.find((t) => t.type === 'ended')).toMatchObject({ state: 'done', goal: true });
  });

  it('uses the generated text when the model answers', () => {
    const t1 = runTurn(flow, null, message('track', nlu('track_order', 0.9)));
    expect(t1.texts).toEqual(['Hi there! I can track or cancel an order.', 'Your order number?']);
    const model: EffectHandler = (effect) =>
      effect.kind === 'generate' ? { ok: true, value: `Good news: it is ${String((effect.scope.order as { status: string }).status)}!` } : { ok: true, value: { status: 'packed' } };
    const t2 = runTurn(flow, t1.result.context, message('555555', nlu('fallback', 0.1, [entity('order_id', '555555')])), model);
    expect(t2.texts).toEqual(['Good news: it is packed!']);
  });

  it('hands off after the fallback is said max times; the greeting itself is no miss', () => {
    const t1 = runTurn(flow, null, message('hello', nlu('fallback', 0.1)));
    expect(t1.texts).toEqual(['Hi there! I can track or cancel an order.']);
    const t2 = runTurn(flow, t1.result.context, message('blah', nlu('fallback', 0.1)));
    expect(t2.texts).toEqual(['Sorry, I can track or cancel an order.']);
    const t3 = runTurn(flow, t2.result.context, message('blah', nlu('fallback', 0.1)));
    expect(t3.texts).toEqual(['Sorry, I can track or cancel an order.']);
    const t4 = runTurn(flow, t3.result.context, message('blah', nlu('fallback', 0.1)));
    expect(t4.texts).toEqual(['Connecting you to a person.']);
    expect(t4.result.status).toBe('handoff');
    const t5 = runTurn(flow, t4.result.context, message('hello?', nlu('fallback', 0.1)));
    expect(t5.result.status).toBe('handoff');
    expect(t5.replies).toEqual([]);
    expect(t5.result.context.turn).toBe(5);
  });

  it('cancels after confirmation through a postback, and goes to on_error when the lookup fails', () => {
    const t1 = runTurn(flow, null, message('cancel 1234567', nlu('cancel_order', 0.8, [entity('order_id', '1234567')])), orders);
    expect(t1.result.context.vars.goal).toBe('cancel');
    expect(t1.texts).toEqual(['Hi there! I can track or cancel an order.', 'Order 1234567 is shipped. Cancel it?']);
    expect(t1.replies[1]?.buttons).toEqual([{ title: 'Yes', payload: 'yes' }, { title: 'No', payload: 'no' }]);
    const t2 = runTurn(flow, t1.result.context, message('', null, { payload: 'yes' }), orders);
    expect(t2.effects[0]).toMatchObject({ operation: 'cancel_order', input: { id: '1234567' } });
    expect(t2.texts).toEqual(['Order 1234567 is cancelled.']);

    const failing: EffectHandler = () => ({ ok: false, error: { code: 'timeout', message: 'took too long' } });
    const t3 = runTurn(flow, null, message('track 12345', nlu('track_order', 0.8, [entity('order_id', 12345)])), failing);
    expect(t3.texts).toEqual(['Hi there! I can track or cancel an order.', 'Sorry, I cannot reach the order system right now.']);
    expect(t3.trace.find((t) => t.type === 'transition' && t.reason === 'on_error')).toMatchObject({ from: 'lookup', to: 'sorry' });
  });

  it('reports the states DESIGN\'s excerpt names but does not define', () => {
    const parsed = parseFlowSource(source);
    if (!parsed.ok) throw new Error('fixture must parse');
    const value = parsed.value as { states: Record<string, unknown> };
    for (const name of ['confirm_cancel', 'cancel', 'cancelled', 'sorry']) delete value.states[name];
    const result = validateFlow(value, { integrations: ['orders'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.code])).toEqual([
      ['states.lookup.transitions[0].to', 'unknown_state'],
      ['states.lookup.on_error', 'unknown_state'],
    ]);
  });

  it('restarts after the end: the next message runs the flow again', () => {
    const t1 = runTurn(flow, null, message('track 12345', nlu('track_order', 0.8, [entity('order_id', 12345)])), orders);
    expect(t1.result.status).toBe('ended');
    const t2 = runTurn(flow, t1.result.context, message('hi again', nlu('fallback', 0.1)), orders);
    expect(t2.texts[0]).toBe('Hi there! I can track or cancel an order.');
    expect(t2.result.context.turn).toBe(2);
    expect(t2.result.context.slots).toEqual({});
  });

  it('honours the global human intent from a waiting slot state', () => {
    const t1 = runTurn(flow, null, message('track', nlu('track_order')));
    const t2 = runTurn(flow, t1.result.context, message('agent please', nlu('human')));
    expect(t2.texts).toEqual(['Connecting you to a person.']);
    expect(t2.trace.find((t) => t.type === 'transition')).toMatchObject({ from: 'get_order', to: 'handoff', reason: 'global[0]' });
  });
});
