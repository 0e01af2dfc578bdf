/** The flow language (DESIGN §4) as one zod schema; its JSON Schema is served to editors. */
import { z } from 'zod';
import { BUILTIN_ENTITY_TYPES, entityDefinitionSchema, type FlowNlu, trainingDataRefSchema } from '../../models/contract.js';
import { stateSchema, transitionSchema, type FlowState, type FlowTransition } from './state-schema.js';

export { BUILTIN_ENTITY_TYPES, entityDefinitionSchema };

export const nluSchema = z.strictObject({
  threshold: z.number().min(0).max(1).optional(),
  intents: z.record(z.string(), z.array(z.string())).optional(),
  entities: z.record(z.string(), entityDefinitionSchema).optional(),
  /** A workspace training-data document (`/v1/nlu/training-data`); publishing pins its current revision. */
  trainingData: trainingDataRefSchema.optional(),
});

export const settingsSchema = z.strictObject({
  /** States entered per turn before the run stops as a cycle (default 50). */
  max_steps: z.number().int().min(1).max(1000).optional(),
});

export const repairSchema = z.strictObject({
  /** "cancel", "stop", "never mind" … in any waiting state go to `to` (phrases replace the defaults). */
  cancel: z.strictObject({ to: z.string().min(1, 'name a state'), phrases: z.array(z.string().min(1)).min(1).optional() }).optional(),
  /** What skips a skippable slot (replaces the defaults: skip, no thanks, none …). */
  skip_phrases: z.array(z.string().min(1)).min(1).optional(),
  /** "change the <slot> to …" corrects a slot (default true). */
  corrections: z.boolean().optional(),
});
export type FlowRepair = z.infer<typeof repairSchema>;

export interface FlowDefinition {
  name: string;
  version?: string | number;
  description?: string;
  start: string;
  nlu?: FlowNlu;
  global?: FlowTransition[];
  states: Record<string, FlowState>;
  settings?: { max_steps?: number };
  repair?: FlowRepair;
}

export const flowDefinitionSchema: z.ZodType<FlowDefinition> = z.strictObject({
  name: z.string().min(1),
  version: z.union([z.string(), z.number()]).optional(),
  description: z.string().optional(),
  start: z.string().min(1),
  nlu: nluSchema.optional(),
  global: z.array(transitionSchema).optional(),
  states: z.record(z.string().min(1), stateSchema).refine((states) => Object.keys(states).length > 0, 'a flow needs at least one state'),
  settings: settingsSchema.optional(),
  repair: repairSchema.optional(),
});

/** JSON Schema (draft 2020-12) of the flow language, for GET /v1/flows/schema. */
export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(flowDefinitionSchema, { unrepresentable: 'any' });
}
