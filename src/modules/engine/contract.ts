import { z } from 'zod';
import type { NluMiss, NluResult } from '../models/contract.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { SideEffect, StepSummary, TraceEvent } from './flow/index.js';
import type { SuiteResult } from './conversation-tests/index.js';
import { attachmentSchema, formSchema, locationSchema } from './flow/inbound-content.js';
import { replySchema } from './flow/reply-content.js';
import { flowIssueSchema } from './flow/flow-issue.js';

/**
 * Engine, in two halves wired apart: `TurnService` runs one turn of a conversation under its
 * lock (the hot path, with handoffs and conversation state), and `FlowAuthoring` is how bot
 * builders write, check, try and publish flows. Plain JSON in and out, tenant first.
 */

export const conversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'use 1–128 letters, digits, dots, dashes, colons or underscores');

/** A client's id for one message: a retry with the same id is answered from the stored turn, never run again. */
export const messageIdSchema = z.string().regex(/^[\x21-\x7e]{1,100}$/, 'use 1–100 printable ASCII characters without spaces');

export const inboundTurnSchema = z
  .object({
    id: messageIdSchema.optional(),
    text: z.string().max(4000, 'a message is at most 4,000 characters').optional(),
    payload: z.string().min(1).max(1000).optional(),
    channel: z.string().min(1).max(40).default('api'),
    user: z.record(z.string(), z.unknown()).optional(),
    /** Media and files the user sent (`message.attachments` in the flow). */
    attachments: z.array(attachmentSchema).min(1).max(10).optional(),
    /** A location the user shared (`message.location`). */
    location: locationSchema.optional(),
    /** A submitted form's values (`message.form`), e.g. a Slack modal. */
    form: formSchema.optional(),
    /** The flow a new run of this conversation starts (a channel route); the default flow when absent. */
    flowId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a flow id such as flow_abc123').optional(),
  })
  .refine((m) => (m.text !== undefined && m.text.trim() !== '') || m.payload !== undefined || m.attachments !== undefined || m.location !== undefined || m.form !== undefined, {
    message: 'a message needs non-empty `text`, a `payload`, `attachments`, a `location` or a `form`',
  });
export type InboundTurn = z.infer<typeof inboundTurnSchema>;

/** What handing a conversation back produced: the bot's replies as the flow resumes (none when it starts over). */
export const handBackResultSchema = z.object({
  replies: z.array(replySchema),
  state: z.string().nullable(),
  /** False when there was nothing to resume: the next message starts the flow again. */
  resumed: z.boolean(),
});
export type HandBackResult = z.infer<typeof handBackResultSchema>;

export { attachmentSchema, formSchema, locationSchema, type Attachment, type Location, type FormValues } from './flow/inbound-content.js';
export type { RichContent, Reply, ReplyButton, ReplyMedia, ReplyCard, ReplyCardButton, ReplyList, ReplyTemplate } from './flow/reply-content.js';
export { replySchema };
export type { ReplyModal, ReplyModalField } from './flow/reply-modal.js';

/** The schedule key and event of a handoff's waiting timeout (chat cancels the key when an agent takes over). */
export { HANDOFF_TIMER } from './flow/index.js';

/** What a turn asked to schedule (`schedule` / `unschedule` actions); chat stores them with the turn. */
export const scheduleRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('schedule'), key: z.string().nullable(), inMs: z.number(), message: z.string().optional(), event: z.string().optional() }),
  z.object({ kind: z.literal('unschedule'), key: z.string() }),
]);
export type ScheduleRequest = z.infer<typeof scheduleRequestSchema>;

export const turnResultSchema = z
  .object({
    turnId: z.string(),
    /** Follow-ups the turn scheduled or cancelled, in order. */
    schedules: z.array(scheduleRequestSchema).optional(),
    replies: z.array(replySchema),
    /** The state the conversation now waits in (or ended in). */
    state: z.string().nullable(),
    intent: z.string().nullable(),
    confidence: z.number().nullable(),
    ended: z.boolean(),
    handoff: z.boolean(),
    /** The conversation was with a person and the flow took it back (the handoff's waiting timeout). */
    leftHandoff: z.boolean().optional(),
  })
  .meta({ id: 'TurnResult' });
export type TurnResult = z.infer<typeof turnResultSchema>;

export const conversationStateSchema = z.object({
  conversationId: z.string(),
  flowId: z.string(),
  flowVersion: z.number(),
  state: z.string().nullable(),
  status: z.string(),
  turn: z.number(),
  /** The running flow's slots and vars: a called flow's while it runs (see `calls`). */
  slots: z.record(z.string(), z.unknown()),
  vars: z.record(z.string(), z.unknown()),
  /** Sub-flow calls in progress, outermost first: the called flow and the caller's `flow` state. */
  calls: z.array(z.object({ flow: z.string(), version: z.number(), from: z.string() })),
  updatedAt: z.string(),
});
export type ConversationState = z.infer<typeof conversationStateSchema>;

export type { FlowIssue } from './flow/index.js';
export { flowIssueSchema } from './flow/flow-issue.js';

export const flowSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    /** The latest published version, null while only a draft exists. */
    publishedVersion: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'FlowSummary' });
export type FlowSummary = z.infer<typeof flowSummarySchema>;

export const flowDetailSchema = flowSummarySchema
  .extend({
    /** The draft exactly as written (YAML or JSON text). */
    source: z.string(),
    /** The last valid draft's definition (while the saved draft has errors, the one before them). */
    definition: z.unknown(),
    warnings: z.array(flowIssueSchema),
    /** Errors of a draft saved with `allowErrors`; empty when the draft is valid (only a valid draft can be published). */
    errors: z.array(flowIssueSchema),
    versions: z.array(z.object({ version: z.number(), publishedAt: z.string() })),
  })
  .meta({ id: 'FlowDetail' });
export type FlowDetail = z.infer<typeof flowDetailSchema>;

export type { TraceEvent } from './flow/index.js';
export type { SuiteResult, TestResult, TestFailure, DiffLine, ConversationSuite } from './conversation-tests/index.js';
export { suiteResultSchema } from './conversation-tests/results.js';

export type { StepSummary } from './flow/index.js';

/**
 * What one turn decided, stated by the code that decided it: the flow interpreter (intent,
 * fallback, goal, handoff, states, slots, errors; see StepSummary) and the executor (the calls it
 * made). Analytics stores these fields as they are.
 */
export interface TurnSummary extends StepSummary {
  /** Every model call of the turn (understanding the message, generating, answering, agents). */
  modelCalls: Extract<TraceEvent, { type: 'model_call' }>[];
  integrationCalls: Extract<TraceEvent, { type: 'integration_call' }>[];
}

/** Everything one finished turn did, handed to the analytics pipeline (off the hot path). */
export interface TurnRecord {
  tenantId: string;
  conversationId: string;
  turnId: string;
  flowId: string;
  flowVersion: number;
  channel: string;
  turn: number;
  startedAt: string;
  latencyMs: number;
  /** How long the turn waited for the conversation's lock (messages queued behind each other). */
  lockWaitMs: number;
  status: 'waiting' | 'ended' | 'handoff';
  state: string | null;
  replies: number;
  summary: TurnSummary;
  sideEffects: SideEffect[];
}

/**
 * A trace event as the API shows it: `type` and `at`, plus the fields of its type (flow/trace.ts
 * defines them; the API passes them through as they are).
 */
export const traceEventSchema = z.looseObject({ type: z.string(), at: z.string() }).meta({ id: 'TraceEvent' });

/** One stored turn of a conversation's trace, for bot builders. */
export const turnTraceSchema = z
  .object({
    turnId: z.string(),
    turn: z.number(),
    flowId: z.string(),
    flowVersion: z.number(),
    createdAt: z.string(),
    events: z.array(traceEventSchema),
  })
  .meta({ id: 'TurnTrace' });
export interface TurnTrace extends Omit<z.infer<typeof turnTraceSchema>, 'events'> {
  events: TraceEvent[];
}

export const flowVersionDetailSchema = z
  .object({ flowId: z.string(), version: z.number(), source: z.string(), definition: z.unknown(), publishedAt: z.string() })
  .meta({ id: 'FlowVersion' });
export type FlowVersionDetail = z.infer<typeof flowVersionDetailSchema>;

export const flowValidationResultSchema = z
  .union([
    z.object({ valid: z.literal(true), warnings: z.array(flowIssueSchema) }),
    z.object({ valid: z.literal(false), issues: z.array(flowIssueSchema) }),
  ])
  .meta({ id: 'FlowValidation' });
export type FlowValidationResult = z.infer<typeof flowValidationResultSchema>;

/** Which traced messages count as NLU misses, for reviewing them into training data. */
export const nluMissQuerySchema = z.object({
  maxConfidence: z.coerce.number().min(0).max(1).default(0.7),
  days: z.coerce.number().int().min(1).max(90).default(30),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type NluMissQuery = z.infer<typeof nluMissQuerySchema>;

export const nluParseSchema = z.object({ text: z.string().max(4000, 'a message is at most 4,000 characters') });

/** One turn of a "try it" session: what the bot said and everything it did. */
export const playgroundTurnSchema = turnResultSchema
  .omit({ turnId: true })
  .extend({ slots: z.record(z.string(), z.unknown()), vars: z.record(z.string(), z.unknown()), trace: z.array(traceEventSchema) })
  .meta({ id: 'PlaygroundTurn' });
export interface PlaygroundTurn extends Omit<z.infer<typeof playgroundTurnSchema>, 'trace'> {
  trace: TraceEvent[];
}

/**
 * Writes rows that several turns of one tenant staged, in one statement, inside the transaction
 * that commits those turns (rows come in the turns' order). The statement is a plain INSERT,
 * UPDATE or DELETE whose result the writer does not read: the group commit sends it inside the
 * contexts' own statement.
 */
export type TurnRowWriter<Row> = (tx: SqlExecutor, tenantId: string, rows: readonly Row[]) => Promise<void>;

/** Rows a turn stores through one writer; `stagedRows` builds it with the writer's row type checked. */
export interface StagedRows {
  readonly writer: TurnRowWriter<unknown>;
  readonly rows: readonly unknown[];
  /** Called once the turn's transaction committed with these rows in it (never for a turn that did not commit); must not throw. */
  readonly committed?: () => void;
}

export function stagedRows<Row>(writer: TurnRowWriter<Row>, rows: readonly Row[], committed?: () => void): StagedRows {
  return { writer: writer as TurnRowWriter<unknown>, rows, ...(committed ? { committed } : {}) };
}

/**
 * What a caller of `processMessage` adds to the turn's transaction (chat: the transcript, the
 * outbox sends, the handoff mark), so that a turn is stored whole or not at all. Turns that finish
 * together are committed together (a group commit), so staged rows are written once per writer
 * for all of them; `commit` is for the rare work that must run statements of its own: it returns
 * them for the outcomes that need them, and nothing for the others, whose batch then commits in
 * one round trip.
 */
export interface TurnHooks {
  stage?: (result: TurnResult) => StagedRows[];
  commit?: (result: TurnResult) => ((tx: SqlExecutor) => Promise<void>) | undefined;
}

/** The hot path: turns of conversations, and the state they leave (handoffs, reset, traces). */
export interface TurnService {
  /**
   * Runs one turn under the conversation's lock and commits everything it produced in one
   * transaction. A message whose `id` was already applied gets the stored result back instead.
   */
  processMessage(tenantId: string, conversationId: string, message: InboundTurn, hooks?: TurnHooks): Promise<TurnResult>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationState | null>;
  /** The most recent `limit` turns' traces, oldest first. */
  getTrace(tenantId: string, conversationId: string, limit: number): Promise<TurnTrace[]>;
  /** Forgets the conversation's flow context; its next message starts the default flow afresh. */
  resetConversation(tenantId: string, conversationId: string): Promise<void>;
  /** Ends a handoff: the bot answers the conversation's next message again. `hooks.commit` joins its transaction. */
  handBack(tenantId: string, conversationId: string, hooks?: { commit?: (tx: SqlExecutor, result: HandBackResult) => Promise<void> }): Promise<HandBackResult>;
  /** Who has a handed-off conversation (null: nobody yet); while an agent has it the bot is silent. Conflict when it is not handed off. */
  assignHandoff(tenantId: string, conversationId: string, agent: string | null, hooks?: { commit?: (tx: SqlExecutor) => Promise<void> }): Promise<void>;
}

/** One state kind of the flow language and its traits (what validation and the console's graph read). */
export const stateKindInfoSchema = z
  .object({
    type: z.string(),
    /** Stops the run and takes the user's next message. */
    waitsForInput: z.boolean(),
    /** The bot's part stops here (the conversation ends, or a person takes over). */
    ends: z.boolean(),
    /** The run may wait inside it (a called flow). */
    mayWaitInside: z.boolean(),
    /** What validation says of one without `next` or transitions. */
    missingExit: z.enum(['error', 'warning']),
    /** Fields besides `next` and `transitions[].to` that name a state (dotted paths). */
    targetFields: z.array(z.string()),
  })
  .meta({ id: 'StateKind' });
export type StateKindInfo = z.infer<typeof stateKindInfoSchema>;

/** Writing flows: drafts, versions, validation, NLU checks, "try it" and conversation tests. */
export interface FlowAuthoring {
  createFlow(tenantId: string, source: string | object): Promise<FlowDetail>;
  /** Replaces the draft; with `allowErrors` a draft with errors is saved (and listed in `errors`) instead of refused. */
  updateFlow(tenantId: string, flowId: string, source: string | object, options?: { allowErrors?: boolean }): Promise<FlowDetail>;
  validateFlow(tenantId: string, source: string | object): Promise<FlowValidationResult>;
  /** JSON Schema of the flow language. */
  flowSchema(): Record<string, unknown>;
  /** The state kinds of the flow language and their traits. */
  stateKinds(): StateKindInfo[];
  listFlows(tenantId: string): Promise<FlowSummary[]>;
  getFlow(tenantId: string, flowId: string): Promise<FlowDetail>;
  getFlowVersion(tenantId: string, flowId: string, version: number): Promise<FlowVersionDetail>;
  publishFlow(tenantId: string, flowId: string): Promise<{ flowId: string; version: number }>;
  setDefaultFlow(tenantId: string, flowId: string): Promise<FlowSummary>;
  /** What the flow's NLU makes of a text: its latest published version, or the draft. */
  parseNlu(tenantId: string, flowId: string, text: string, options: { draft: boolean }): Promise<NluResult>;
  /** Recent messages the NLU was unsure about (fallbacks and low confidence), newest first, from the turn traces. */
  nluMisses(tenantId: string, query: NluMissQuery): Promise<NluMiss[]>;
  /** "Try it": one message to a throwaway session of the flow (its draft, or its latest version). */
  tryFlow(tenantId: string, flowId: string, sessionId: string, message: InboundTurn, options: { draft: boolean }): Promise<PlaygroundTurn>;
  /** Runs a conversation test suite (YAML/JSON, see examples/README.md) against the latest published version or the draft. */
  testFlow(tenantId: string, flowId: string, suite: string | object, options: { draft: boolean }): Promise<SuiteResult>;
}
