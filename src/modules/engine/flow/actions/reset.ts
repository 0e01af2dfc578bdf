import { z } from 'zod';
import { defineAction } from './define-action.js';

/** `reset: slots | vars | all` (all = slots and vars; `user` is the channel's, not the flow's). */
export const resetAction = defineAction({
  kind: 'reset',
  schema: z.enum(['slots', 'vars', 'all']),
  run(arg, rt) {
    const internal = rt.context.internal;
    if (arg === 'slots' || arg === 'all') {
      rt.context.slots = {};
      internal.slotAttempts = {};
      internal.awaitingConfirmation = false;
    }
    if (arg === 'vars' || arg === 'all') rt.context.vars = {};
  },
});
