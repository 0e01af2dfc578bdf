import { describe, expect, it } from 'vitest';
import { entity, loadFlow, message, nlu, runTurn } from './step-test-kit.js';

const flow = loadFlow({
  name: 'booking',
  start: 'menu',
  nlu: {
    intents: { book: ['book'], affirm: ['yes'], deny: ['no'], help: ['help'] },
    entities: { size: { type: 'list', values: ['S', 'M', 'L'] } },
  },
  global: [{ when: 'intent == "help"', to: 'help' }],
  states: {
    menu: { type: 'intent', say: 'What can I do?', transitions: [{ when: 'intent == "book"', to: 'collect' }] },
    collect: {
      type: 'slot_filling',
      slots: [
        { name: 'size', entity: 'size', prompt: 'Which size?', quick_replies: [{ title: 'Small', payload: 'S' }] },
        { name: 'guests', entity: 'number', prompt: 'How many guests?', retry: ['Say a number from 1 to 8.', 'Just a number, please.'], max_attempts: 2, validate: 'value >= 1 && value <= 8' },
        { name: 'note', prompt: 'Any note?', required: false },
        { name: 'name', prompt: 'Your name?' },
      ],
      confirm: { say: '{{ slots.size }} for {{ slots.guests }}, name {{ slots.name }}?' },
      on_exhausted: 'human',
      next: 'done',
    },
    help: { type: 'response', say: 'I can book tables.', next: 'menu' },
    human: { type: 'handoff', say: 'A person will help.' },
    done: { type: 'end', say: 'Booked.', goal: true },
  },
});

const start = () => runTurn(flow, null, message('hi', nlu('fallback', 0.1))).result.context;

describe('slot_filling', () => {
  it('takes slots from the message that led into it, then asks for the first missing one', () => {
    const t = runTurn(flow, start(), message('book M for 3', nlu('book', 0.9, [entity('size', 'M'), entity('number', 3)])));
    expect(t.result.context.slots).toEqual({ size: 'M', guests: 3 });
    expect(t.texts).toEqual(['Your name?']);
    expect(t.trace.filter((e) => e.type === 'slot_set').map((e) => e.type === 'slot_set' && [e.slot, e.source])).toEqual([['size', 'entity'], ['guests', 'entity']]);
  });

  it('uses a quick reply payload, free text for entity-less slots, retries, and confirms', () => {
    const t1 = runTurn(flow, start(), message('book', nlu('book')));
    expect(t1.texts).toEqual(['Which size?']);
    expect(t1.replies[0]?.quickReplies).toEqual([{ title: 'Small', payload: 'S' }]);
    const t2 = runTurn(flow, t1.result.context, message('Small', null, { payload: 'S' }));
    expect(t2.texts).toEqual(['How many guests?']);
    const t3 = runTurn(flow, t2.result.context, message('twenty', nlu('fallback', 0.1, [entity('number', 20)])));
    // Rejected by validate; retry variations rotate with the turn number (turn 4 → index 0).
    expect(t3.texts).toEqual(['Say a number from 1 to 8.']);
    expect(t3.trace.find((e) => e.type === 'slot_rejected')).toMatchObject({ slot: 'guests', value: 20, reason: 'invalid', attempts: 1 });
    const t4 = runTurn(flow, t3.result.context, message('4', nlu('fallback', 0.1, [entity('number', 4)])));
    expect(t4.texts).toEqual(['Your name?']);
    const t5 = runTurn(flow, t4.result.context, message('  Ann  ', nlu('fallback', 0.1)));
    expect(t5.result.context.slots).toEqual({ size: 'S', guests: 4, name: 'Ann' });
    expect(t5.texts).toEqual(['S for 4, name Ann?']);
    expect(t5.replies[0]?.buttons).toEqual([{ title: 'Yes', payload: 'yes' }, { title: 'No', payload: 'no' }]);
    const maybe = runTurn(flow, t5.result.context, message('hmm', nlu('fallback', 0.1)));
    expect(maybe.texts).toEqual(['S for 4, name Ann?']);
    const yes = runTurn(flow, maybe.result.context, message('Yes', null));
    expect(yes.texts).toEqual(['Booked.']);
    expect(yes.result.status).toBe('ended');
  });

  it('on "no" with a new value changes that slot only and confirms again', () => {
    const t1 = runTurn(flow, start(), message('book', nlu('book', 0.9, [entity('size', 'M'), entity('number', 2)])));
    const t2 = runTurn(flow, t1.result.context, message('Bob', nlu('fallback', 0.1)));
    expect(t2.texts).toEqual(['M for 2, name Bob?']);
    const no = runTurn(flow, t2.result.context, message('no, L', nlu('deny', 0.9, [entity('size', 'L')])));
    expect(no.result.context.slots).toEqual({ size: 'L', guests: 2, name: 'Bob' });
    expect(no.texts).toEqual(['L for 2, name Bob?']);
  });

  it('on a plain "no" asks which slot to change, asks only that one, then confirms again', () => {
    const t1 = runTurn(flow, start(), message('book', nlu('book', 0.9, [entity('size', 'M'), entity('number', 2)])));
    const t2 = runTurn(flow, t1.result.context, message('Bob', nlu('fallback', 0.1)));
    const no = runTurn(flow, t2.result.context, message('no', nlu('deny', 0.9)));
    expect(no.replies).toEqual([{ type: 'text', text: 'What would you like to change?', buttons: [{ title: 'Size', payload: 'change:size' }, { title: 'Guests', payload: 'change:guests' }, { title: 'Name', payload: 'change:name' }] }]);
    const which = runTurn(flow, no.result.context, message('the name', nlu('fallback', 0.1)));
    expect(which.texts).toEqual(['Your name?']);
    expect(which.result.context.slots).toEqual({ size: 'M', guests: 2 });
    const name = runTurn(flow, which.result.context, message('Robert', nlu('fallback', 0.1)));
    expect(name.texts).toEqual(['M for 2, name Robert?']);
  });

  it('with on_no: clear, clears the slots, keeps what the same message brings, and asks again', () => {
    const clearing = loadFlow({ ...flow.definition, states: { ...flow.definition.states, collect: { ...flow.definition.states.collect, confirm: { ...(flow.definition.states.collect as { confirm: object }).confirm, on_no: 'clear' } } } } as never);
    const t1 = runTurn(clearing, start(), message('book', nlu('book', 0.9, [entity('size', 'M'), entity('number', 2)])));
    const t2 = runTurn(clearing, t1.result.context, message('Bob', nlu('fallback', 0.1)));
    const no = runTurn(clearing, t2.result.context, message('no, L', nlu('deny', 0.9, [entity('size', 'L')])));
    expect(no.result.context.slots).toEqual({ size: 'L' });
    expect(no.texts).toEqual(['How many guests?']);
  });

  it('goes to on_exhausted after max_attempts failed answers', () => {
    const t1 = runTurn(flow, start(), message('book M', nlu('book', 0.9, [entity('size', 'M')])));
    const t2 = runTurn(flow, t1.result.context, message('lots', nlu('fallback', 0.1)));
    expect(t2.trace.find((e) => e.type === 'slot_rejected')).toMatchObject({ slot: 'guests', value: null, reason: 'missing', attempts: 1 });
    const t3 = runTurn(flow, t2.result.context, message('many', nlu('fallback', 0.1)));
    expect(t3.texts).toEqual(['A person will help.']);
    expect(t3.result.status).toBe('handoff');
    expect(t3.trace.find((e) => e.type === 'transition')).toMatchObject({ from: 'collect', to: 'human', reason: 'on_exhausted' });
  });

  it('tries global transitions before slots', () => {
    const t1 = runTurn(flow, start(), message('book', nlu('book')));
    const t2 = runTurn(flow, t1.result.context, message('help', nlu('help')));
    expect(t2.texts).toEqual(['I can book tables.', 'What can I do?']);
    expect(t2.result.context.state).toBe('menu');
  });
});
