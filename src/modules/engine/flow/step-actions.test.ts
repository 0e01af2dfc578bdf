import { describe, expect, it } from 'vitest';
import { loadFlow, message, nlu, runTurn, traceTypes } from './step-test-kit.js';
import { step } from './step.js';
import type { TraceEvent } from './trace.js';

const flow = loadFlow({
  name: 'actions',
  start: 'a',
  nlu: { intents: { go: ['go'] } },
  states: {
    a: {
      type: 'response',
      say: 'A',
      on_entry: [{ log: 'entry a' }, { set: { 'vars.count': 1, 'vars.copy': '{{ vars.count }}', 'user.seen': true } }],
      on_exit: [{ log: 'exit a' }],
      transitions: [{ when: 'vars.count == 1', to: 'b', actions: [{ log: 'transition a→b' }, { increment: 'vars.count' }] }],
    },
    b: {
      type: 'intent',
      on_entry: [
        { log: 'entry b' },
        { increment: { path: 'vars.count', by: 10 } },
        { append: { 'vars.items': 'x' } },
        { append: { 'vars.items': '{{ vars.count }}' } },
        { tag: 'vip' },
        { tag: 'vip' },
        { emit: { name: 'reached_b', tags: { who: '{{ user.name }}' } } },
        { emit: { name: 'score', value: '{{ vars.count }}' } },
        { set: { 'slots.size': 'M', 'vars.drop': 1 } },
        { unset: ['vars.drop'] },
      ],
      transitions: [{ when: 'intent == "go"', to: 'c' }],
    },
    c: {
      type: 'response',
      on_entry: [{ reset: 'slots' }, { call: { integration: 'crm', operation: 'lookup', with: { n: '{{ vars.count }}' }, save_as: 'crm' } }, { log: 'after call {{ crm.plan }}' }],
      say: 'Plan {{ crm.plan }}, result {{ result.plan }}',
      next: 'd',
    },
    d: { type: 'end', on_entry: [{ reset: 'all' }], say: 'bye' },
  },
});

describe('actions and their order', () => {
  it('runs entry actions, state work, transitions, then transition actions, exit actions, next entry', () => {
    const r = runTurn(flow, null, message('hi', null, { user: { name: 'Ann' } }));
    const logs = r.result.sideEffects.filter((s) => s.kind === 'log').map((s) => s.message);
    expect(logs).toEqual(['entry a', 'transition a→b', 'exit a', 'entry b']);
    const label = (t: TraceEvent): string | null => {
      switch (t.type) {
        case 'action': return t.kind === 'log' ? `log:${String((t.detail as { message: string }).message)}` : null;
        case 'transition': return `transition:${t.to}`;
        case 'reply': return `reply:${t.text}`;
        case 'state_entered':
        case 'state_exited': return `${t.type}:${t.state}`;
        default: return null;
      }
    };
    const order = r.trace.map(label).filter((l) => l !== null);
    expect(order).toEqual(['state_entered:a', 'log:entry a', 'reply:A', 'transition:b', 'log:transition a→b', 'log:exit a', 'state_exited:a', 'state_entered:b', 'log:entry b']);
    expect(r.result.status).toBe('waiting');
  });

  it('applies set/unset/increment/append/tag/emit to the context', () => {
    const { result } = runTurn(flow, null, message('hi', null, { user: { name: 'Ann' } }));
    const ctx = result.context;
    expect(ctx.vars).toEqual({ count: 12, copy: 1, items: ['x', 12] });
    expect(ctx.user).toEqual({ name: 'Ann', seen: true });
    expect(ctx.slots).toEqual({ size: 'M' });
    expect(ctx.tags).toEqual(['vip']);
    expect(result.sideEffects.filter((s) => s.kind === 'emit')).toEqual([
      { kind: 'emit', name: 'reached_b', value: 1, tags: { who: 'Ann' } },
      { kind: 'emit', name: 'score', value: 12 },
    ]);
    expect(traceTypes(result.trace)).toContain('var_set');
    expect(result.trace.find((t) => t.type === 'slot_set')).toMatchObject({ slot: 'size', value: 'M', source: 'action' });
  });

  it('pauses a list at a call action and resumes it with the saved result', () => {
    const t1 = runTurn(flow, null, message('hi'));
    const first = step(flow, t1.result.context, message('go', nlu('go')));
    expect(first.status).toBe('effect');
    expect(first.effect).toMatchObject({ kind: 'integration', integration: 'crm', operation: 'lookup', input: { n: 12 }, timeoutMs: 10000 });
    expect(first.context.slots).toEqual({});
    const second = step(flow, first.context, { type: 'effect_result', effectId: first.effect?.id ?? '', ok: true, value: { plan: 'gold' }, now: 'later' });
    expect(second.replies.map((r) => r.text)).toEqual(['Plan gold, result gold', 'bye']);
    expect(second.sideEffects).toContainEqual({ kind: 'log', level: 'info', message: 'after call gold' });
    expect(second.status).toBe('ended');
    expect(second.context.vars).toEqual({});
    expect(second.trace.every((t) => t.at === 'later')).toBe(true);
  });

  it('continues after a failed call, with the error in result', () => {
    const t1 = runTurn(flow, null, message('hi'));
    const t2 = runTurn(flow, t1.result.context, message('go', nlu('go')), () => ({ ok: false, error: { code: 'down', message: 'CRM down' } }));
    expect(t2.texts).toEqual(['Plan , result ', 'bye']);
    expect(t2.trace.find((t) => t.type === 'effect_result')).toMatchObject({ ok: false, error: { code: 'down' } });
  });

  it('ignores an effect result nobody asked for', () => {
    const t1 = runTurn(flow, null, message('hi'));
    const r = step(flow, t1.result.context, { type: 'effect_result', effectId: 'nope', ok: true, value: 1, now: 'x' });
    expect(r.status).toBe('waiting');
    expect(r.trace[0]).toMatchObject({ type: 'error', code: 'unexpected_effect_result' });
  });

  it('never changes the context it is given', () => {
    const t1 = runTurn(flow, null, message('hi'));
    const before = structuredClone(t1.result.context);
    step(flow, t1.result.context, message('go', nlu('go')));
    expect(t1.result.context).toEqual(before);
  });
});
