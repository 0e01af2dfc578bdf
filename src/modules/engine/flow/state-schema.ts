/** The zod schemas of flow states (DESIGN §4). Strict objects, so a typo'd key is reported. */
import { z } from 'zod';
import { actionSchema } from './actions/registry.js';
import { identifierSchema } from './actions/call.js';
import { conditionSchema } from './condition-schema.js';
import { richContentFields } from './reply-content.js';
import { agentFields, answerFields } from './knowledge-state-schema.js';

export const STATE_TYPES = ['response', 'intent', 'slot_filling', 'integration', 'handoff', 'end', 'flow', 'answer', 'agent'] as const;
export type StateType = (typeof STATE_TYPES)[number];
/** Kinds that stop the run and wait for the user's next message. */
export const WAITING_TYPES: ReadonlySet<StateType> = new Set(['intent', 'slot_filling', 'agent']);

const target = z.string().min(1, 'name a state');
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

const common = {
  description: z.string().optional(),
  on_entry: actions.optional(),
  on_exit: actions.optional(),
  transitions: z.array(transitionSchema).optional(),
  next: target.optional(),
};
const prompt = { say: saySchema.optional(), buttons: buttons.optional(), quick_replies: buttons.optional(), ...richContentFields };

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
const dataMap = z.record(z.string().regex(/^(slots|vars)\.[A-Za-z_][\w.]*$/, 'a path such as slots.address or vars.city'), z.unknown());

export const stateSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('response'),
    ...common,
    ...prompt,
    generate: z
      .strictObject({ instructions: z.string().min(1), fallback: z.string(), history: z.number().int().min(0).max(50).optional() })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('intent'),
    ...common,
    ...prompt,
    fallback: z.strictObject({ say: saySchema.optional(), max: z.number().int().min(0).optional(), then: target.optional() }).optional(),
  }),
  z.strictObject({
    type: z.literal('slot_filling'),
    ...common,
    say: saySchema.optional(),
    slots: z.array(slotSchema).min(1),
    on_exhausted: target.optional(),
    confirm: confirmSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('integration'),
    ...common,
    integration: z.string().min(1),
    operation: z.string().min(1),
    with: z.record(z.string(), z.unknown()).optional(),
    save_as: identifierSchema.optional(),
    on_error: target.optional(),
    timeout_ms: z.number().int().min(1).max(120_000).optional(),
  }),
  z.strictObject({
    type: z.literal('handoff'),
    ...common,
    ...prompt,
    /** While no agent has the conversation: what the user hears, and how long until `then`. */
    waiting: z
      .strictObject({
        say: saySchema.optional(),
        timeout_minutes: z.number().positive().max(10_080).optional(),
        then: target.optional(),
      })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('flow'),
    ...common,
    /** The name of another flow of this workspace; its latest published version unless `version` pins one. */
    flow: z.string().min(1),
    version: z.number().int().min(1).optional(),
    /** Written into the called flow before it starts, evaluated here. */
    input: dataMap.optional(),
    /** Written back here when the called flow ends, evaluated in the called flow. */
    output: dataMap.optional(),
    /** Where to go when the flow cannot be called (not published, nested too deep). */
    on_error: target.optional(),
  }),
  z.strictObject({ type: z.literal('end'), ...common, ...prompt, goal: z.boolean().optional() }),
  z.strictObject({ type: z.literal('answer'), ...common, ...answerFields }),
  z.strictObject({ type: z.literal('agent'), ...common, ...agentFields }),
]);

export type FlowState = z.infer<typeof stateSchema>;
export type FlowTransition = z.infer<typeof transitionSchema>;
export type FlowSlot = z.infer<typeof slotSchema>;
export type StateOf<T extends StateType> = Extract<FlowState, { type: T }>;
