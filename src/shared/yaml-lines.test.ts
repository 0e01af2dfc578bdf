import { describe, expect, it } from 'vitest';
import { locateYaml, splitPath } from './yaml-lines.js';

const flow = `name: demo
start: ask
states:
  ask:
    type: intent
    transitions:
      - when: intent == "a"
        to: done
        actions: [{ set: { vars.goal: track } }]
      - to: nowhere
  done: { type: end }
`;

describe('locateYaml', () => {
  it('splits paths into keys and indexes', () => {
    expect(splitPath('states.ask.transitions[1].to')).toEqual(['states', 'ask', 'transitions', 1, 'to']);
  });

  it('finds the line of a node from its path', () => {
    const yaml = locateYaml(flow);
    expect(yaml.lineOf('start')).toBe(2);
    expect(yaml.lineOf('states.ask.transitions[0].to')).toBe(8);
    expect(yaml.lineOf('states.ask.transitions[1].to')).toBe(10);
    expect(yaml.lineOf('states.done.type')).toBe(11);
  });

  it('finds keys that contain dots, and falls back to the nearest existing ancestor', () => {
    const yaml = locateYaml(flow);
    expect(yaml.lineOf('states.ask.transitions[0].actions[0].set.vars.goal')).toBe(9);
    expect(yaml.lineOf('states.ask.on_entry')).toBe(4);
    expect(yaml.lineOf('states.ask.transitions[7].to')).toBe(6);
  });

  it('works on JSON sources and on text that does not parse', () => {
    expect(locateYaml('{\n  "name": "x",\n  "start": "a"\n}').lineOf('start')).toBe(3);
    expect(locateYaml('name: [unclosed\nstart: a').lineOf('start')).not.toBeUndefined();
  });
});
