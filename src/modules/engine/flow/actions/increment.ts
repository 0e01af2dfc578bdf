import { z } from 'zod';
import { defineAction, writablePathProblem } from './define-action.js';

const normalise = (arg: string | { path: string; by?: number }) => (typeof arg === 'string' ? { path: arg, by: 1 } : { path: arg.path, by: arg.by ?? 1 });

/** `increment: vars.count` or `increment: {path: vars.count, by: 2}`; a missing or non-number value counts from 0. */
export const incrementAction = defineAction({
  kind: 'increment',
  schema: z.union([z.string().min(1), z.strictObject({ path: z.string().min(1), by: z.number().optional() })]),
  run(arg, rt) {
    const { path, by } = normalise(arg);
    const current = rt.read(path);
    rt.write(path, (typeof current === 'number' && Number.isFinite(current) ? current : 0) + by);
  },
  check: (arg) => writablePathProblem(normalise(arg).path, typeof arg === 'string' ? '' : 'path'),
});
