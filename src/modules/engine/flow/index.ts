/** The flow language and the pure step engine (DESIGN §4). The engine's executor uses only this. */
export { flowDefinitionSchema, flowJsonSchema, BUILTIN_ENTITY_TYPES, type FlowDefinition } from './flow-schema.js';
export type { FlowState, FlowTransition, FlowSlot, StateType } from './state-schema.js';
export { stateKindTraits } from './state-kinds.js';
export type { Condition, ConditionOperator } from './condition-schema.js';
export { parseFlowSource, MAX_FLOW_SOURCE_BYTES, MAX_STATES, type ParsedFlowSource } from './parse-flow-source.js';
export { validateFlow, type FlowValidation, type ValidateOptions } from './flow-validator.js';
export type { FlowIssue } from './flow-issue.js';
export { compileFlow, type CompiledFlow } from './compile-flow.js';
export { newContext, type FlowContext, type FlowInternals, type TurnMessage } from './context.js';
export { SNAPSHOT_VERSION, endedSnapshot, fromSnapshot, toSnapshot, type ConversationSnapshot, type HistoryEntry } from './snapshot.js';
export { readSnapshot, type SnapshotRead } from './snapshot-upgrades.js';
export { step, DEFAULT_MAX_STEPS } from './step.js';
export { EvaluationBudget, TURN_LIMITS, type BudgetLimits } from './budget.js';
export type { StepEvent, Reply, Button, PendingEffect, SideEffect, StepResult, StepOptions } from './step-types.js';
export type { TraceEvent, TraceEventType } from './trace.js';
export { addStep, newStepSummary, type StepSummary } from './step-summary.js';
export { SAFE_REPLY } from './turn.js';
export { HANDOFF_TIMER } from './handoff.js';
