import { z } from 'zod';
import { defineAction } from './define-action.js';

/** `tag: vip` adds a conversation tag once (for analytics and the console's filters). */
export const tagAction = defineAction({
  kind: 'tag',
  schema: z.string().min(1),
  run(arg, rt) {
    const name = rt.text(arg).trim();
    if (name && !rt.context.tags.includes(name)) rt.context.tags.push(name);
  },
  templates: (arg) => [{ path: '', source: arg, mode: 'text' }],
});
