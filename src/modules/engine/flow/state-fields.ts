/** Fields that flow states share (DESIGN §4); each kind's own schema is in state-kinds.ts. */
import { z } from 'zod';
import { actionSchema } from './actions/registry.js';
import { identifierSchema } from './actions/call.js';
import { conditionSchema } from './condition-schema.js';
import { richContentFields } from './reply-content.js';

/** A field that names another state; each use is listed in its kind's `targetFields` (state-kinds.test.ts checks). */
export const target = z.string().min(1, 'name a state');
/** A template, or a list of variations picked in turn. */
export const saySchema = z.union([z.string(), z.array(z.string()).min(1)]);
const buttonSchema = z.strictObject({ title: z.string().min(1), payload: z.string().min(1) });
const buttons = z.array(buttonSchema).min(1).max(20);
const actions = z.array(actionSchema);

export const transitionSchema = z.strictObject({
  when: conditionSchema.optional(),
  to: target,
  actions: actions.optional(),
});

export const commonFields = {
  description: z.string().optional(),
  on_entry: actions.optional(),
  on_exit: actions.optional(),
  transitions: z.array(transitionSchema).optional(),
  next: target.optional(),
};
export const promptFields = { say: saySchema.optional(), buttons: buttons.optional(), quick_replies: buttons.optional(), ...richContentFields };

export const slotSchema = z.strictObject({
  name: identifierSchema,
  /** An entity of nlu.entities or a built-in type name; without it the answer's text is the value. */
  entity: z.string().min(1).optional(),
  prompt: saySchema,
  retry: saySchema.optional(),
  max_attempts: z.number().int().min(1).max(100).optional(),
  validate: conditionSchema.optional(),
  required: z.boolean().optional(),
  buttons: buttons.optional(),
  quick_replies: buttons.optional(),
  /** Takes every value in the message ("pepperoni and mushrooms") as a list. */
  list: z.boolean().optional(),
  /** Asked like a required slot, but "skip" / "no thanks" leaves it empty. */
  skippable: z.boolean().optional(),
  /** Other words for the slot in a correction ("change the <alias> to …"); its name always counts. */
  aliases: z.array(z.string().min(1)).optional(),
});

export const confirmSchema = z.strictObject({
  say: saySchema,
  yes_intent: z.string().min(1).optional(),
  no_intent: z.string().min(1).optional(),
  yes_payload: z.string().min(1).optional(),
  no_payload: z.string().min(1).optional(),
  buttons: buttons.optional(),
  /** What "no" does: `ask` which slot to change (default), or `clear` every slot and ask them all again. */
  on_no: z.enum(['ask', 'clear']).optional(),
  /** The question after "no" (default "What would you like to change?"), with a button per slot. */
  change_prompt: saySchema.optional(),
});

/** Maps of a sub-flow call: keys are writable paths (`slots.x`, `vars.x`), values are value templates. */
export const dataMap = z.record(z.string().regex(/^(slots|vars)\.[A-Za-z_][\w.]*$/, 'a path such as slots.address or vars.city'), z.unknown());
