import { defineAction } from './define-action.js';
import { scheduleKeySchema } from './schedule.js';

/** `unschedule: key` cancels the conversation's pending follow-up of that key (nothing happens when there is none). */
export const unscheduleAction = defineAction({
  kind: 'unschedule',
  schema: scheduleKeySchema,
  run(arg, rt) {
    rt.sideEffect({ kind: 'unschedule', key: arg });
    rt.trace({ type: 'action', state: rt.state, kind: 'unschedule', detail: { key: arg } });
  },
});
