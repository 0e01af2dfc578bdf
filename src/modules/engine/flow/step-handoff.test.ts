import { describe, expect, it } from 'vitest';
import type { FlowContext } from './context.js';
import { loadFlow, message, nlu, NOW, runTurn } from './step-test-kit.js';
import { step } from './step.js';

const flow = loadFlow({
  name: 'help',
  start: 'ask',
  nlu: { intents: { human: ['agent'], hours: ['hours'] } },
  global: [{ when: 'intent == "human"', to: 'human' }],
  states: {
    ask: { type: 'intent', say: 'Ask me about hours.', transitions: [{ when: 'intent == "hours"', to: 'hours' }] },
    hours: { type: 'response', say: '9 to 5.', next: 'ask' },
    human: {
      type: 'handoff',
      say: 'Connecting you.',
      waiting: { say: 'Someone will be with you soon.', timeout_minutes: 10, then: 'no_agent' },
    },
    no_agent: { type: 'intent', say: 'Nobody is free; ask me instead?', transitions: [{ when: 'intent == "hours"', to: 'hours' }] },
  },
});

const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

function handedOff(): FlowContext {
  const t1 = runTurn(flow, null, message('hi', nlu('none', 0.1)));
  const t2 = runTurn(flow, t1.result.context, message('agent please', nlu('human', 0.9)));
  expect(t2.texts).toEqual(['Connecting you.']);
  expect(t2.result.context.internal.handoff).toMatchObject({ state: 'human', resume: 'ask', agent: null });
  return t2.result.context;
}

describe('handoff', () => {
  it('says the waiting message while no agent has the conversation, then takes the timeout path', () => {
    const waiting = runTurn(flow, handedOff(), message('hello?', nlu('none', 0.1), { now: at(2) }));
    expect(waiting.texts).toEqual(['Someone will be with you soon.']);
    expect(waiting.result.status).toBe('handoff');
    const late = runTurn(flow, waiting.result.context, message('still there?', nlu('none', 0.1), { now: at(11) }));
    expect(late.texts).toEqual(['Nobody is free; ask me instead?']);
    expect(late.result.status).toBe('waiting');
    expect(late.result.context.internal.handoff).toBeNull();
  });

  it('stays silent while an agent has it', () => {
    const ctx = handedOff();
    ctx.internal.handoff!.agent = 'ann@example.com';
    const t = runTurn(flow, ctx, message('hello?', nlu('none', 0.1), { now: at(30) }));
    expect(t.replies).toEqual([]);
    expect(t.result.status).toBe('handoff');
  });

  it('hand-back resumes the state the user was in, asking its question again', () => {
    const resumed = step(flow, handedOff(), { type: 'resume', now: at(5) });
    expect(resumed.replies.map((r) => r.text)).toEqual(['Ask me about hours.']);
    expect(resumed.status).toBe('waiting');
    expect(resumed.context.state).toBe('ask');
    const next = runTurn(flow, resumed.context, message('hours?', nlu('hours', 0.9)));
    expect(next.texts).toEqual(['9 to 5.', 'Ask me about hours.']);
  });

  it('hand-back follows the handoff state own next when it has one', () => {
    const withNext = loadFlow({ ...flow.definition, states: { ...flow.definition.states, human: { type: 'handoff', say: 'Connecting you.', next: 'hours' } } } as never);
    const t1 = runTurn(withNext, null, message('hi', nlu('none', 0.1)));
    const t2 = runTurn(withNext, t1.result.context, message('agent', nlu('human', 0.9)));
    const resumed = step(withNext, t2.result.context, { type: 'resume', now: at(1) });
    expect(resumed.replies.map((r) => r.text)).toEqual(['9 to 5.', 'Ask me about hours.']);
  });

  it('a handoff stored before hand-back could resume ends the run, as it did before', () => {
    const ctx = handedOff();
    delete (ctx.internal as unknown as Record<string, unknown>).handoff;
    const resumed = step(flow, ctx, { type: 'resume', now: at(1) });
    expect(resumed.status).toBe('ended');
    expect(resumed.replies).toEqual([]);
  });
});
