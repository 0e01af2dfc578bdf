/**
 * The one list of flow action kinds. A new kind is one file plus one line here; the flow schema,
 * validation, compilation and the runner all read this list.
 */
import { z } from 'zod';
import { appendAction } from './append.js';
import { callAction } from './call.js';
import type { AnyActionDefinition } from './define-action.js';
import { emitAction } from './emit.js';
import { incrementAction } from './increment.js';
import { logAction } from './log.js';
import { resetAction } from './reset.js';
import { scheduleAction } from './schedule.js';
import { setAction } from './set.js';
import { tagAction } from './tag.js';
import { unscheduleAction } from './unschedule.js';
import { unsetAction } from './unset.js';

export const ACTIONS: readonly AnyActionDefinition[] = [
  setAction,
  unsetAction,
  incrementAction,
  appendAction,
  resetAction,
  callAction,
  emitAction,
  tagAction,
  logAction,
  scheduleAction,
  unscheduleAction,
];

/** An action is an object with exactly one key, the kind: `{set: {vars.goal: cancel}}`. */
export type FlowAction = Record<string, unknown>;

const [first, ...rest] = ACTIONS.map((a) => z.strictObject({ [a.kind]: a.schema }));
export const actionSchema: z.ZodType<FlowAction> = first ? z.union([first, ...rest]) : z.never();

/** The kind and argument of a validated action. */
export function actionParts(action: FlowAction): { definition: AnyActionDefinition; arg: unknown } {
  for (const definition of ACTIONS) {
    if (Object.hasOwn(action, definition.kind)) return { definition, arg: action[definition.kind] };
  }
  throw new Error(`unknown action ${JSON.stringify(Object.keys(action))}`);
}
