import { describe, expect, it } from 'vitest';
import { collectEdges } from '../src/console/app/flows/graph-layout.js';
import { stateKindTraits } from '../src/modules/engine/index.js';

/** The console draws the graph from the server's state-kind registry, so a target field the server adds is drawn too. */
describe('console flow graph', () => {
  const targetFields = new Map(stateKindTraits().map((kind) => [kind.type, kind.targetFields]));

  it('draws an edge for every field the registry says names a state', () => {
    const definition = {
      start: 'ask',
      states: {
        ask: { type: 'intent', fallback: { then: 'help' }, transitions: [{ when: 'intent == "buy"', to: 'order' }] },
        order: { type: 'slot_filling', slots: [], on_exhausted: 'help', next: 'fetch' },
        fetch: { type: 'integration', on_error: 'help', next: 'kb' },
        kb: { type: 'answer', on_no_answer: 'help', next: 'sub' },
        sub: { type: 'flow', on_error: 'help', next: 'help' },
        help: { type: 'handoff', waiting: { then: 'bye' } },
        bye: { type: 'end' },
      },
      global: [{ when: 'intent == "stop"', to: 'bye' }],
    };
    const edges = collectEdges(definition, targetFields).edges.map((e) => `${e.from} -${e.label}-> ${e.to}`);
    expect(edges).toEqual([
      'ask -intent == "buy"-> order',
      'ask -fallback.then-> help',
      'order -next-> fetch',
      'order -on_exhausted-> help',
      'fetch -next-> kb',
      'fetch -on_error-> help',
      'kb -next-> sub',
      'kb -on_no_answer-> help',
      'sub -next-> help',
      'sub -on_error-> help',
      'help -waiting.then-> bye',
      '* -global: intent == "stop"-> bye',
    ]);
  });

  it('draws next and transitions before the state types have loaded', () => {
    const { edges } = collectEdges({ start: 'a', states: { a: { type: 'integration', on_error: 'b', next: 'b' }, b: { type: 'end' } } });
    expect(edges.map((e) => e.label)).toEqual(['next']);
  });
});
