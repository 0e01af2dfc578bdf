import { z } from 'zod';
import { defineAction, writablePathProblem } from './define-action.js';

const paths = (arg: string | string[]): string[] => (Array.isArray(arg) ? arg : [arg]);

/** `unset: vars.goal` or `unset: [slots.order_id, vars.goal]` */
export const unsetAction = defineAction({
  kind: 'unset',
  schema: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  run(arg, rt) {
    for (const path of paths(arg)) rt.remove(path);
  },
  check: (arg) => paths(arg).flatMap((path, i) => writablePathProblem(path, Array.isArray(arg) ? `[${i}]` : '')),
});
