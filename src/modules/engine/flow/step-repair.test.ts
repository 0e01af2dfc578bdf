import { describe, expect, it } from 'vitest';
import type { FlowContext } from './context.js';
import { fromSnapshot } from './snapshot.js';
import { readSnapshot } from './snapshot-upgrades.js';
import { entity, loadFlow, message, nlu, runTurn } from './step-test-kit.js';

const flow = loadFlow({
  name: 'pizza',
  start: 'order',
  nlu: {
    intents: { menu: ['what toppings'] },
    entities: { size: { type: 'list', values: ['small', 'large'] }, topping: { type: 'list', values: ['pepperoni', 'mushrooms', 'olives'] } },
  },
  global: [{ when: 'intent == "menu"', to: 'menu' }],
  repair: { cancel: { to: 'cancelled' } },
  states: {
    order: {
      type: 'slot_filling',
      slots: [
        { name: 'size', entity: 'size', prompt: 'Size?' },
        { name: 'toppings', entity: 'topping', list: true, prompt: 'Toppings?' },
        { name: 'notes', prompt: 'Notes for the kitchen?', skippable: true },
        { name: 'address', prompt: 'Address?', aliases: ['delivery address'] },
      ],
      confirm: { say: '{{ slots.size }} with {{ slots.toppings | join: ", " }} to {{ slots.address }}, notes {{ slots.notes | default: "none" }}?' },
      next: 'done',
    },
    menu: { type: 'response', say: 'We have pepperoni, mushrooms and olives.', next: '@return' },
    cancelled: { type: 'end', say: 'Order cancelled.' },
    done: { type: 'end', say: 'Ordered.' },
  },
});

const turns = (...messages: Parameters<typeof message>[]) => {
  let context: FlowContext | null = null;
  return messages.map((args) => {
    const t = runTurn(flow, context, message(...args));
    context = t.result.context;
    return t;
  });
};

describe('conversation repair', () => {
  it('takes a list slot from one message, lets a skippable slot be skipped, and a digression returns', () => {
    const [, t2, t3, t4] = turns(
      ['large please', nlu('none', 0.1, [entity('size', 'large')])],
      ['what toppings do you have?', nlu('menu', 0.9)],
      ['pepperoni and mushrooms', nlu('none', 0.1, [entity('topping', 'pepperoni'), entity('topping', 'mushrooms')])],
      ['no thanks', nlu('none', 0.1)],
    );
    expect(t2!.texts).toEqual(['We have pepperoni, mushrooms and olives.', 'Toppings?']);
    expect(t2!.result.context.state).toBe('order');
    expect(t3!.result.context.slots.toppings).toEqual(['pepperoni', 'mushrooms']);
    expect(t3!.texts).toEqual(['Notes for the kitchen?']);
    expect(t4!.texts).toEqual(['Address?']);
    expect(t4!.result.context.internal.skipped).toEqual(['notes']);
  });

  it('corrects a slot by name or alias, at a question and at the confirmation', () => {
    const [, , , , t5, t6] = turns(
      ['large', nlu('none', 0.1, [entity('size', 'large')])],
      ['olives', nlu('none', 0.1, [entity('topping', 'olives')])],
      ['skip', nlu('none', 0.1)],
      ['5 Main St', nlu('none', 0.1)],
      ['change the delivery address to 12 Oak Road', nlu('none', 0.1)],
      ['actually, make the size small', nlu('none', 0.1, [entity('size', 'small')])],
    );
    expect(t5!.texts).toEqual(['large with olives to 12 Oak Road, notes none?']);
    expect(t5!.trace.find((e) => e.type === 'repair')).toMatchObject({ kind: 'correct', slot: 'address' });
    expect(t6!.texts).toEqual(['small with olives to 12 Oak Road, notes none?']);
  });

  it('cancels from any waiting state to repair.cancel.to', () => {
    const [, t2] = turns(['large', nlu('none', 0.1, [entity('size', 'large')])], ['never mind', nlu('none', 0.1)]);
    expect(t2!.texts).toEqual(['Order cancelled.']);
    expect(t2!.result.status).toBe('ended');
  });

  it('a greeting as the first message gets the first question, with no fallback', () => {
    const plain = loadFlow({ name: 'g', start: 'ask', states: { ask: { type: 'intent', say: 'How can I help?', transitions: [{ when: 'intent == "x"', to: 'ask' }], fallback: { say: 'Sorry?' } } } });
    const t1 = runTurn(plain, null, message('hi', nlu('greet', 0.9)));
    expect(t1.texts).toEqual(['How can I help?']);
    const t2 = runTurn(plain, t1.result.context, message('hi', nlu('greet', 0.9)));
    expect(t2.texts).toEqual(['Sorry?']);
  });

  it('runs a context stored before repair and sub-flows existed', () => {
    const first = runTurn(flow, null, message('large', nlu('none', 0.1, [entity('size', 'large')])));
    const old = structuredClone(first.result.context) as FlowContext;
    const internal = old.internal as unknown as Record<string, unknown>;
    for (const key of ['returnStack', 'frames', 'skipped', 'choosingSlot', 'handoff']) delete internal[key];
    const read = readSnapshot(old);
    if (!read.ok) throw new Error(read.message);
    const next = runTurn(flow, fromSnapshot(read.snapshot), message('olives', nlu('none', 0.1, [entity('topping', 'olives')])));
    expect(next.texts).toEqual(['Notes for the kitchen?']);
    expect(next.result.context.internal).toMatchObject({ returnStack: [], frames: [], skipped: [], choosingSlot: false, handoff: null });
  });
});
