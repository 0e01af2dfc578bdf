import { describe, expect, it } from 'vitest';
import { loadFlow, message, nlu, runTurn } from './step-test-kit.js';

const FLOW = loadFlow(
  `
name: kb
start: ask
states:
  ask:
    type: intent
    transitions: [{ to: faq }]
  faq:
    type: answer
    instructions: "Be brief."
    no_answer: "No idea, {{ user.name | default: 'friend' }}."
    save_as: kb
    next: helper
  helper:
    type: agent
    goal: "Help with {{ vars.kb.method }} answers"
    slots: [order_id]
    exits: { done: "finished" }
    max_turns: 2
    transitions:
      - { when: vars.agent.exit == "done", to: bye }
      - to: human
  human: { type: handoff, say: "A person will help." }
  bye: { type: end, say: "Bye." }
`,
  ['echo'],
);

describe('answer and agent states', () => {
  it('answer asks for the question, says the result and keeps it; the agent then works on the same message and waits', () => {
    const turn = runTurn(FLOW, null, message('How do refunds work?', nlu('none', 0)), (effect) => {
      if (effect.kind === 'answer') return { ok: true, value: { text: 'In 5 days.\n\nSource: FAQ', method: 'passage', citations: [] } };
      if (effect.kind === 'agent') return { ok: true, value: { reply: 'Anything else?', exit: null, reason: null, slots: { order_id: '42', other: 'x' }, steps: 1, costUsd: 0, stopped: null } };
      return { ok: false, error: { code: 'x', message: 'x' } };
    });
    expect(turn.effects.map((e) => e.kind)).toEqual(['answer', 'agent']);
    expect(turn.effects[0]).toMatchObject({ question: 'How do refunds work?', instructions: 'Be brief.', noAnswer: 'No idea, friend.', history: 6, limit: 5 });
    expect(turn.effects[1]).toMatchObject({ goal: 'Help with passage answers', message: 'How do refunds work?', slots: ['order_id'], exits: { done: 'finished' } });
    expect(turn.texts).toEqual(['In 5 days.\n\nSource: FAQ', 'Anything else?']);
    expect(turn.result.status).toBe('waiting');
    // Only declared slots are written.
    expect(turn.result.context.slots).toEqual({ order_id: '42' });
    expect(turn.result.context.vars.kb).toMatchObject({ method: 'passage' });

    const done = runTurn(FLOW, turn.result.context, message('That is all', nlu('none', 0)), () => ({ ok: true, value: { reply: null, exit: 'done', reason: 'thanks', slots: {}, steps: 1, costUsd: 0, stopped: null } }));
    expect(done.texts).toEqual(['Bye.']);
    expect(done.result.context.vars.agent).toMatchObject({ exit: 'done', reason: 'thanks', turns: 1 });
  });

  it('a failed answer effect says the no-answer text; a failed agent says its fallback and exits with model_failed', () => {
    const turn = runTurn(FLOW, null, message('Hello', nlu('none', 0)), () => ({ ok: false, error: { code: 'no_model', message: 'none' } }));
    expect(turn.texts).toEqual(['No idea, friend.', "Sorry, I can't help with that right now.", 'A person will help.']);
    expect(turn.result.context.vars.agent).toMatchObject({ exit: 'model_failed' });
  });

  it('leaves the agent with max_turns once it has taken as many messages as it may', () => {
    const agentReply = () => ({ ok: true as const, value: { reply: 'Go on.', exit: null, reason: null, slots: {}, steps: 1, costUsd: 0, stopped: null } });
    const handler = (effect: { kind: string }) => (effect.kind === 'answer' ? { ok: true as const, value: { text: 'A.', method: 'passage', citations: [] } } : agentReply());
    let context = runTurn(FLOW, null, message('q', nlu('none', 0)), handler).result.context;
    context = runTurn(FLOW, context, message('one', nlu('none', 0)), handler).result.context;
    context = runTurn(FLOW, context, message('two', nlu('none', 0)), handler).result.context;
    const over = runTurn(FLOW, context, message('three', nlu('none', 0)), handler);
    expect(over.texts).toEqual(['A person will help.']);
    expect(over.result.context.vars.agent).toMatchObject({ exit: 'max_turns' });
  });
});
