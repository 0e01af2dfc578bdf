import { z } from 'zod';
import { defineAction } from './define-action.js';

/** `log: "message"` or `log: {message, level}`: an operator log line, also kept in the trace. */
export const logAction = defineAction({
  kind: 'log',
  schema: z.union([z.string().min(1), z.strictObject({ message: z.string().min(1), level: z.enum(['info', 'warn']).optional() })]),
  run(arg, rt) {
    const source = typeof arg === 'string' ? arg : arg.message;
    const level = typeof arg === 'string' ? 'info' : (arg.level ?? 'info');
    const message = rt.text(source);
    rt.sideEffect({ kind: 'log', level, message });
    rt.trace({ type: 'action', state: rt.state, kind: 'log', detail: { level, message } });
  },
  templates: (arg) => [{ path: typeof arg === 'string' ? '' : 'message', source: typeof arg === 'string' ? arg : arg.message, mode: 'text' }],
});
