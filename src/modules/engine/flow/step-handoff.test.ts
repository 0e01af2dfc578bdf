import { describe, expect, it } from 'vitest';
import type { FlowContext } from './context.js';
import { HANDOFF_TIMER } from './handoff.js';
import { toSnapshot } from './snapshot.js';
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

  it('a handoff with a timeout schedules its timer; the timer takes the timeout path once due, without the waiting message before', () => {
    const t1 = runTurn(flow, null, message('hi', nlu('none', 0.1)));
    const t2 = runTurn(flow, t1.result.context, message('agent please', nlu('human', 0.9)));
    expect(t2.result.sideEffects).toEqual([{ kind: 'schedule', key: HANDOFF_TIMER.key, inMs: 10 * 60_000, event: HANDOFF_TIMER.event }]);
    const timer = (minutes: number) => ({ type: 'message', payload: HANDOFF_TIMER.event, channel: 'web', nlu: null, now: at(minutes) }) as const;
    const early = runTurn(flow, t2.result.context, timer(5));
    expect(early.replies).toEqual([]);
    expect(early.result.status).toBe('handoff');
    const due = runTurn(flow, early.result.context, timer(10));
    expect(due.texts).toEqual(['Nobody is free; ask me instead?']);
    expect(due.result.context.internal.handoff).toBeNull();
  });

  it('the timer does nothing once an agent has the conversation or it was handed back; a late user message cancels it', () => {
    const assigned = handedOff();
    assigned.internal.handoff!.agent = 'ann@example.com';
    const event = { type: 'message', payload: HANDOFF_TIMER.event, channel: 'web', nlu: null, now: at(30) } as const;
    expect(runTurn(flow, assigned, event).replies).toEqual([]);

    const resumed = step(flow, handedOff(), { type: 'resume', now: at(5) });
    const stale = runTurn(flow, resumed.context, event);
    expect(stale.replies).toEqual([]);
    expect(toSnapshot(stale.result.context, [])).toEqual(toSnapshot(resumed.context, []));

    const late = runTurn(flow, handedOff(), message('still there?', nlu('none', 0.1), { now: at(11) }));
    expect(late.result.sideEffects).toEqual([{ kind: 'unschedule', key: HANDOFF_TIMER.key }]);
  });
});
