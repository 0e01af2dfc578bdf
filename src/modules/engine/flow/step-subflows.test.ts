import { describe, expect, it } from 'vitest';
import type { CompiledFlow } from './compile-flow.js';
import type { FlowContext } from './context.js';
import { entity, loadFlow, message, nlu, NOW } from './step-test-kit.js';
import { step } from './step.js';
import type { StepEvent, StepResult } from './step-types.js';
import { validateFlow } from './flow-validator.js';

/** An executor with a tiny flow registry: `flow` effects find flows by name (version 1). */
function runWith(flows: Record<string, CompiledFlow>, root: CompiledFlow, context: FlowContext | null, event: StepEvent) {
  const lookup = (flowId: string) => flows[flowId];
  let result: StepResult = step(root, context, event, { flows: lookup });
  const texts = result.replies.map((r) => r.text);
  const trace = [...result.trace];
  while (result.effect) {
    const effect = result.effect;
    const outcome =
      effect.kind === 'flow' && flows[effect.flow]
        ? { ok: true as const, value: { flowId: effect.flow, version: 1 } }
        : { ok: false as const, error: { code: 'flow_not_found', message: `no flow ${effect.kind === 'flow' ? effect.flow : ''}` } };
    result = step(root, result.context, { type: 'effect_result', effectId: effect.id, now: NOW, ...outcome }, { flows: lookup });
    texts.push(...result.replies.map((r) => r.text));
    trace.push(...result.trace);
  }
  return { result, texts, trace };
}

const address = loadFlow({
  name: 'address',
  start: 'ask',
  states: {
    ask: {
      type: 'slot_filling',
      slots: [
        { name: 'street', prompt: 'Street?' },
        { name: 'city', prompt: 'City for {{ vars.who }}?' },
      ],
      next: 'done',
    },
    done: { type: 'end', say: 'Got {{ slots.street }}, {{ slots.city }}.' },
  },
});

const order = loadFlow({
  name: 'order',
  start: 'size',
  nlu: { entities: { size: { type: 'list', values: ['small', 'large'] } } },
  states: {
    size: { type: 'slot_filling', slots: [{ name: 'size', entity: 'size', prompt: 'Size?' }], next: 'where' },
    where: {
      type: 'flow',
      flow: 'address',
      input: { 'vars.who': '{{ user.name }}' },
      output: { 'slots.address': '{{ slots.street }}, {{ slots.city }}', 'vars.city': '{{ slots.city }}' },
      on_error: 'sorry',
      next: 'summary',
    },
    summary: { type: 'intent', say: 'A {{ slots.size }} pizza to {{ slots.address }} ({{ vars.city }}).', transitions: [{ to: 'bye' }] },
    sorry: { type: 'end', say: 'Address collection is unavailable.' },
    bye: { type: 'end', say: 'Bye' },
  },
});

describe('sub-flows', () => {
  it('calls another flow with inputs, waits inside it across turns, and maps outputs back', () => {
    const flows = { address };
    const t1 = runWith(flows, order, null, message('large', nlu('none', 0.1, [entity('size', 'large')]), { user: { name: 'Ann' } }));
    expect(t1.texts).toEqual(['Street?']);
    expect(t1.result.context.internal.frames).toMatchObject([{ flowId: 'address', state: 'where' }]);
    expect(t1.result.context.vars).toEqual({ who: 'Ann' });
    expect(t1.trace.find((e) => e.type === 'flow_called')).toMatchObject({ flow: 'address', depth: 1 });
    const t2 = runWith(flows, order, t1.result.context, message('5 Main St'));
    expect(t2.texts).toEqual(['City for Ann?']);
    const t3 = runWith(flows, order, t2.result.context, message('Oslo'));
    expect(t3.texts).toEqual(['Got 5 Main St, Oslo.', 'A large pizza to 5 Main St, Oslo (Oslo).']);
    expect(t3.result.context.internal.frames).toEqual([]);
    expect(t3.result.context.slots).toEqual({ size: 'large', address: '5 Main St, Oslo' });
    expect(t3.result.status).toBe('waiting');
  });

  it('goes to on_error when the called flow cannot be found', () => {
    const t1 = runWith({}, order, null, message('large', nlu('none', 0.1, [entity('size', 'large')])));
    expect(t1.texts).toEqual(['Address collection is unavailable.']);
    expect(t1.result.context.internal.result).toMatchObject({ error: { code: 'flow_not_found' } });
  });

  it('starts over with a trace error when a stored call names a flow the executor cannot load', () => {
    const t1 = runWith({ address }, order, null, message('large', nlu('none', 0.1, [entity('size', 'large')])));
    const t2 = runWith({}, order, t1.result.context, message('hi'));
    expect(t2.trace.find((e) => e.type === 'error')).toMatchObject({ code: 'flow_unavailable' });
    expect(t2.texts).toEqual(['Size?']);
    expect(t2.result.context.internal.frames).toEqual([]);
  });

  it('bounds nesting at run time: a flow calling a flow that calls it back stops with on_error', () => {
    const ping = loadFlow({ name: 'ping', start: 'call', states: { call: { type: 'flow', flow: 'pong', on_error: 'deep', next: 'deep' }, deep: { type: 'end', say: 'too deep' } } });
    const pong = loadFlow({ name: 'pong', start: 'call', states: { call: { type: 'flow', flow: 'ping', next: 'out' }, out: { type: 'end' } } });
    const t1 = runWith({ ping, pong }, ping, null, message('go'));
    // The innermost call fails to `deep`; each level then ends and returns to its caller.
    expect(t1.trace.filter((e) => e.type === 'flow_called')).toHaveLength(8);
    expect(t1.texts[0]).toBe('too deep');
    expect(t1.result.status).toBe('ended');
    expect(t1.result.context.internal.frames).toEqual([]);
    expect(t1.trace.find((e) => e.type === 'error')).toMatchObject({ code: 'flow_depth' });
  });

  it('refuses a flow that calls itself, at validation', () => {
    const checked = validateFlow({ name: 'loop', start: 'a', states: { a: { type: 'flow', flow: 'loop', next: 'b' }, b: { type: 'end' } } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues).toContainEqual(expect.objectContaining({ path: 'states.a.flow', code: 'flow_cycle' }));
  });

  it('rejects input and output keys that are not slots.x or vars.x paths', () => {
    const checked = validateFlow({ name: 'x', start: 'a', states: { a: { type: 'flow', flow: 'y', input: { 'user.name': 'x' }, next: 'b' }, b: { type: 'end' } } });
    expect(checked.ok).toBe(false);
  });
});
