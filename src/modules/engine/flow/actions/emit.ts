import { z } from 'zod';
import { defineAction, valueSources, type ActionSource } from './define-action.js';

/** `emit: {name, value?, tags?}`: a custom metric for analytics; `value` may be a template, default 1. */
export const emitAction = defineAction({
  kind: 'emit',
  schema: z.strictObject({
    name: z.string().min(1),
    value: z.union([z.number(), z.string()]).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  }),
  run(arg, rt) {
    const raw = arg.value === undefined ? 1 : rt.value(arg.value);
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(value)) {
      rt.error('emit_value', `emit '${arg.name}': value ${JSON.stringify(raw)} is not a number; not emitted`);
      return;
    }
    const tags = arg.tags ? Object.fromEntries(Object.entries(arg.tags).map(([k, v]) => [k, rt.text(v)])) : undefined;
    rt.sideEffect(tags ? { kind: 'emit', name: arg.name, value, tags } : { kind: 'emit', name: arg.name, value });
  },
  templates: (arg): ActionSource[] => [
    ...(typeof arg.value === 'string' ? valueSources(arg.value, 'value') : []),
    ...Object.entries(arg.tags ?? {}).map(([k, v]): ActionSource => ({ path: `tags.${k}`, source: v, mode: 'text' })),
  ],
});
