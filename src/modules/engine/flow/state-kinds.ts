/**
 * The one registry of flow state kinds (DESIGN §4): each kind's schema and the traits that
 * validation, the interpreter and the console read, so none of them lists kinds of its own.
 * A new kind is an entry here, its work in state-work.ts and what it holds in flow-sources.ts
 * (their exhaustive switches say so); ARCHITECTURE.md lists the steps.
 */
import { z } from 'zod';
import { identifierSchema } from './actions/call.js';
import { agentFields, answerFields } from './knowledge-state-schema.js';
import { commonFields, confirmSchema, dataMap, promptFields, saySchema, slotSchema, target } from './state-fields.js';

interface StateKindTraits {
  /** Stops the run and takes the user's next message itself. */
  waitsForInput: boolean;
  /** The bot's part stops here (the conversation ends, or a person takes over): it needs no way out. */
  ends: boolean;
  /** The run may stop inside it for a while (a called flow's waiting states), so a cycle through it is no busy loop. */
  mayWaitInside: boolean;
  /** What validation says of one with no `next` or transitions and no target field set: only global transitions leave it. */
  missingExit: 'error' | 'warning';
  /** Fields besides `next` and `transitions[].to` that name a state, as dotted paths inside the state. */
  targetFields: readonly string[];
}

/** Strict objects, so a typo'd key is reported; every kind has the common fields (`next`, transitions, actions). */
function defineStateKind<const T extends string, const F extends z.ZodRawShape, const Traits extends StateKindTraits>(type: T, fields: F, traits: Traits) {
  return { type, schema: z.strictObject({ type: z.literal(type), ...commonFields, ...fields }), ...traits };
}

const moves = { waitsForInput: false, ends: false, mayWaitInside: false, missingExit: 'error' } as const;
const waits = { waitsForInput: true, ends: false, mayWaitInside: false, missingExit: 'error' } as const;

export const STATE_KINDS = [
  defineStateKind(
    'response',
    {
      ...promptFields,
      generate: z
        .strictObject({ instructions: z.string().min(1), fallback: z.string(), history: z.number().int().min(0).max(50).optional() })
        .optional(),
    },
    { ...moves, targetFields: [] },
  ),
  defineStateKind(
    'intent',
    {
      ...promptFields,
      fallback: z.strictObject({ say: saySchema.optional(), max: z.number().int().min(0).optional(), then: target.optional() }).optional(),
    },
    // A hub: its way out may be global transitions alone.
    { ...waits, missingExit: 'warning', targetFields: ['fallback.then'] },
  ),
  defineStateKind(
    'slot_filling',
    { say: saySchema.optional(), slots: z.array(slotSchema).min(1), on_exhausted: target.optional(), confirm: confirmSchema.optional() },
    { ...waits, targetFields: ['on_exhausted'] },
  ),
  defineStateKind(
    'integration',
    {
      integration: z.string().min(1),
      operation: z.string().min(1),
      with: z.record(z.string(), z.unknown()).optional(),
      save_as: identifierSchema.optional(),
      on_error: target.optional(),
      timeout_ms: z.number().int().min(1).max(120_000).optional(),
    },
    { ...moves, targetFields: ['on_error'] },
  ),
  defineStateKind(
    'handoff',
    {
      ...promptFields,
      /** While no agent has the conversation: what the user hears, and how long until `then`. */
      waiting: z
        .strictObject({ say: saySchema.optional(), timeout_minutes: z.number().positive().max(10_080).optional(), then: target.optional() })
        .optional(),
    },
    { ...moves, ends: true, targetFields: ['waiting.then'] },
  ),
  defineStateKind('end', { ...promptFields, goal: z.boolean().optional() }, { ...moves, ends: true, targetFields: [] }),
  defineStateKind(
    'flow',
    {
      /** The name of another flow of this workspace; its latest published version unless `version` pins one. */
      flow: z.string().min(1),
      version: z.number().int().min(1).optional(),
      /** Written into the called flow before it starts, evaluated here. */
      input: dataMap.optional(),
      /** Written back here when the called flow ends, evaluated in the called flow. */
      output: dataMap.optional(),
      /** Where to go when the flow cannot be called (not published, nested too deep). */
      on_error: target.optional(),
    },
    { ...moves, mayWaitInside: true, targetFields: ['on_error'] },
  ),
  defineStateKind('answer', answerFields, { ...moves, targetFields: ['on_no_answer'] }),
  defineStateKind('agent', agentFields, { ...waits, targetFields: [] }),
] as const;

type Kinds = typeof STATE_KINDS;
export type StateKind = Kinds[number];
export type StateType = StateKind['type'];
/** The kinds that take the user's message (`waitsForInput`), as a type for the handlers of that message. */
export type WaitingType = Extract<StateKind, { waitsForInput: true }>['type'];

export const STATE_TYPES = STATE_KINDS.map((kind) => kind.type);
export const WAITING_TYPES = STATE_KINDS.filter((kind) => kind.waitsForInput).map((kind) => kind.type);

const byType = new Map<string, StateKind>(STATE_KINDS.map((kind) => [kind.type, kind]));

export function stateKind(type: StateType): StateKind {
  const kind = byType.get(type);
  if (!kind) throw new Error(`state kind '${type}' is not in state-kinds.ts`);
  return kind;
}

type SchemasOf<T extends readonly StateKind[]> = { -readonly [I in keyof T]: T[I]['schema'] };
/** The registry's schemas, typed as the tuple a discriminated union needs. */
export const stateKindSchemas = STATE_KINDS.map((kind) => kind.schema) as unknown as SchemasOf<Kinds>;

/** Traits as plain JSON, for `GET /v1/flows/state-types` (the console's flow graph reads target fields from it). */
export const stateKindTraits = () =>
  STATE_KINDS.map(({ type, waitsForInput, ends, mayWaitInside, missingExit, targetFields }) => ({ type, waitsForInput, ends, mayWaitInside, missingExit, targetFields: [...targetFields] }));
