import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectSources } from './flow-sources.js';
import { flowDefinitionSchema } from './flow-schema.js';
import { target } from './state-fields.js';
import { STATE_KINDS, STATE_TYPES, stateKindTraits, WAITING_TYPES } from './state-kinds.js';
import { isWaitingState, stateSchema } from './state-schema.js';

/** Every path in a schema whose value names a state (the shared `target` schema), `[]` marking array items. */
function targetPaths(schema: z.ZodType, at: string[] = []): string[] {
  if (schema === target) return [at.join('.')];
  if (schema instanceof z.ZodOptional) return targetPaths(schema.unwrap() as z.ZodType, at);
  if (schema instanceof z.ZodArray) return targetPaths(schema.element as z.ZodType, [...at.slice(0, -1), `${at.at(-1)}[]`]);
  if (schema instanceof z.ZodObject) return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) => targetPaths(field, [...at, key]));
  return [];
}

describe('state kinds registry', () => {
  it('derives the kind lists: the state schema has one option per kind, and the waiting kinds are those that wait for input', () => {
    expect(STATE_TYPES).toEqual(['response', 'intent', 'slot_filling', 'integration', 'handoff', 'end', 'flow', 'answer', 'agent']);
    expect(stateSchema.options.map((option) => option.shape.type.value)).toEqual(STATE_TYPES);
    expect(WAITING_TYPES).toEqual(['intent', 'slot_filling', 'agent']);
    expect(STATE_KINDS.filter((kind) => kind.ends).map((kind) => kind.type)).toEqual(['handoff', 'end']);
    expect(isWaitingState({ type: 'agent', goal: 'help' })).toBe(true);
    expect(isWaitingState({ type: 'end' })).toBe(false);
  });

  it('lists every field that names a state in targetFields, and nothing else', () => {
    for (const kind of STATE_KINDS) {
      const paths = targetPaths(kind.schema).filter((path) => path !== 'next' && path !== 'transitions[].to');
      expect({ type: kind.type, targets: paths }).toEqual({ type: kind.type, targets: [...kind.targetFields] });
    }
  });

  it('collects each target field as an edge of the graph, so validation checks where it points', () => {
    const flow = flowDefinitionSchema.parse({
      name: 'targets',
      start: 'ask',
      states: {
        ask: { type: 'intent', fallback: { then: 'help' }, transitions: [{ to: 'order' }] },
        order: { type: 'slot_filling', slots: [{ name: 'id', prompt: 'Which order?', max_attempts: 2 }], on_exhausted: 'help', next: 'fetch' },
        fetch: { type: 'integration', integration: 'shop', operation: 'get', on_error: 'help', next: 'sub' },
        sub: { type: 'flow', flow: 'other', on_error: 'help', next: 'kb' },
        kb: { type: 'answer', on_no_answer: 'help', next: 'help' },
        help: { type: 'handoff', waiting: { then: 'bye' } },
        bye: { type: 'end' },
      },
    });
    const edges = collectSources(flow).targets.map((t) => t.path);
    for (const [name, state] of Object.entries(flow.states)) {
      const kind = STATE_KINDS.find((k) => k.type === state.type)!;
      for (const field of kind.targetFields) expect(edges).toContain(`states.${name}.${field}`);
    }
  });

  it('serves the traits as plain JSON for the console', () => {
    const intent = stateKindTraits().find((kind) => kind.type === 'intent');
    expect(intent).toEqual({ type: 'intent', waitsForInput: true, ends: false, mayWaitInside: false, missingExit: 'warning', targetFields: ['fallback.then'] });
    expect(JSON.parse(JSON.stringify(stateKindTraits()))).toEqual(stateKindTraits());
  });
});
