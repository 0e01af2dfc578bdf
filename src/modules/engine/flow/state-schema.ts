/** The zod schema of a flow state: one of the registered kinds (state-kinds.ts), told apart by `type`. */
import { z } from 'zod';
import { stateKind, stateKindSchemas, type StateType, type WaitingType } from './state-kinds.js';
import type { slotSchema, transitionSchema } from './state-fields.js';

export { transitionSchema } from './state-fields.js';
export type { StateType } from './state-kinds.js';

export const stateSchema = z.discriminatedUnion('type', stateKindSchemas);

export type FlowState = z.infer<typeof stateSchema>;
export type FlowTransition = z.infer<typeof transitionSchema>;
export type FlowSlot = z.infer<typeof slotSchema>;
export type StateOf<T extends StateType> = Extract<FlowState, { type: T }>;
export type WaitingState = StateOf<WaitingType>;

/** A state of a kind that takes the user's message (`waitsForInput` in the registry). */
export const isWaitingState = (state: FlowState | undefined): state is WaitingState => state !== undefined && stateKind(state.type).waitsForInput;
