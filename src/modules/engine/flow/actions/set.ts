import { z } from 'zod';
import { defineAction, valueSources, writablePathProblem } from './define-action.js';

/** `set: {vars.goal: cancel, slots.size: "{{ entities.size }}"}` */
export const setAction = defineAction({
  kind: 'set',
  schema: z.record(z.string(), z.unknown()),
  run(arg, rt) {
    for (const [path, value] of Object.entries(arg)) rt.write(path, rt.value(value));
  },
  templates: (arg) => Object.entries(arg).flatMap(([path, value]) => valueSources(value, path)),
  check: (arg) => Object.keys(arg).flatMap((path) => writablePathProblem(path, path)),
});
