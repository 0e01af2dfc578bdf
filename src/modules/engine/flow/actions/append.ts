import { z } from 'zod';
import { defineAction, valueSources, writablePathProblem } from './define-action.js';

/** `append: {vars.items: "{{ slots.item }}"}`; a missing list starts empty, a single value becomes a list. */
export const appendAction = defineAction({
  kind: 'append',
  schema: z.record(z.string(), z.unknown()),
  run(arg, rt) {
    for (const [path, value] of Object.entries(arg)) {
      const current = rt.read(path);
      const list = Array.isArray(current) ? current : current === null ? [] : [current];
      rt.write(path, [...list, rt.value(value)]);
    }
  },
  templates: (arg) => Object.entries(arg).flatMap(([path, value]) => valueSources(value, path)),
  check: (arg) => Object.keys(arg).flatMap((path) => writablePathProblem(path, path)),
});
