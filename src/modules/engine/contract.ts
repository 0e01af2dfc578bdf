import { z } from 'zod';
import type { NluMiss, NluResult } from '../models/contract.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { FlowIssue, SideEffect, StepSummary, TraceEvent } from './flow/index.js';
import type { SuiteResult } from './conversation-tests/index.js';
import { attachmentSchema, formSchema, locationSchema } from './flow/inbound-content.js';
import type { RichContent } from './flow/reply-content.js';

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
export interface HandBackResult {
  replies: Reply[];
  state: string | null;
  /** False when there was nothing to resume: the next message starts the flow again. */
  resumed: boolean;
}

export interface ReplyButton {
  title: string;
  payload: string;
}

export { attachmentSchema, formSchema, locationSchema, type Attachment, type Location, type FormValues } from './flow/inbound-content.js';
export type { RichContent, ReplyMedia, ReplyCard, ReplyCardButton, ReplyList, ReplyTemplate } from './flow/reply-content.js';
export type { ReplyModal, ReplyModalField } from './flow/reply-modal.js';

/** A bot message: text, buttons and the rich content a flow may add (channels degrade what they cannot show). */
export interface Reply extends RichContent {
  type: 'text';
  text: string;
  buttons?: ReplyButton[];
  quickReplies?: ReplyButton[];
}

/** The schedule key and event of a handoff's waiting timeout (chat cancels the key when an agent takes over). */
export { HANDOFF_TIMER } from './flow/index.js';

/** What a turn asked to schedule (`schedule` / `unschedule` actions); chat stores them with the turn. */
export type ScheduleRequest = { kind: 'schedule'; key: string | null; inMs: number; message?: string; event?: string } | { kind: 'unschedule'; key: string };

export interface TurnResult {
  turnId: string;
  /** Follow-ups the turn scheduled or cancelled, in order. */
  schedules?: ScheduleRequest[];
  replies: Reply[];
  /** The state the conversation now waits in (or ended in). */
  state: string | null;
  intent: string | null;
  confidence: number | null;
  ended: boolean;
  handoff: boolean;
  /** The conversation was with a person and the flow took it back (the handoff's waiting timeout). */
  leftHandoff?: boolean;
}

export interface ConversationState {
  conversationId: string;
  flowId: string;
  flowVersion: number;
  state: string | null;
  status: string;
  turn: number;
  /** The running flow's slots and vars: a called flow's while it runs (see `calls`). */
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Sub-flow calls in progress, outermost first: the called flow and the caller's `flow` state. */
  calls: { flow: string; version: number; from: string }[];
  updatedAt: string;
}

export type { FlowIssue } from './flow/index.js';

export interface FlowSummary {
  id: string;
  name: string;
  isDefault: boolean;
  /** The latest published version, null while only a draft exists. */
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface FlowDetail extends FlowSummary {
  /** The draft exactly as written (YAML or JSON text). */
  source: string;
  /** The last valid draft's definition (while the saved draft has errors, the one before them). */
  definition: unknown;
  warnings: FlowIssue[];
  /** Errors of a draft saved with `allowErrors`; empty when the draft is valid (only a valid draft can be published). */
  errors: FlowIssue[];
  versions: { version: number; publishedAt: string }[];
}

export type { TraceEvent } from './flow/index.js';
export type { SuiteResult, TestResult, TestFailure, DiffLine, ConversationSuite } from './conversation-tests/index.js';

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

/** One stored turn of a conversation's trace, for bot builders. */
export interface TurnTrace {
  turnId: string;
  turn: number;
  flowId: string;
  flowVersion: number;
  createdAt: string;
  events: TraceEvent[];
}

export interface FlowVersionDetail {
  flowId: string;
  version: number;
  source: string;
  definition: unknown;
  publishedAt: string;
}

export type FlowValidationResult = { valid: true; warnings: FlowIssue[] } | { valid: false; issues: FlowIssue[] };

/** Which traced messages count as NLU misses, for reviewing them into training data. */
export const nluMissQuerySchema = z.object({
  maxConfidence: z.coerce.number().min(0).max(1).default(0.7),
  days: z.coerce.number().int().min(1).max(90).default(30),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type NluMissQuery = z.infer<typeof nluMissQuerySchema>;

export const nluParseSchema = z.object({ text: z.string().max(4000, 'a message is at most 4,000 characters') });

/** One turn of a "try it" session: what the bot said and everything it did. */
export interface PlaygroundTurn extends Omit<TurnResult, 'turnId'> {
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  trace: TraceEvent[];
}

/**
 * Writes rows that several turns of one tenant staged, in one statement, inside the transaction
 * that commits those turns (rows come in the turns' order).
 */
export type TurnRowWriter<Row> = (tx: SqlExecutor, tenantId: string, rows: readonly Row[]) => Promise<void>;

/** Rows a turn stores through one writer; `stagedRows` builds it with the writer's row type checked. */
export interface StagedRows {
  readonly writer: TurnRowWriter<unknown>;
  readonly rows: readonly unknown[];
}

export function stagedRows<Row>(writer: TurnRowWriter<Row>, rows: readonly Row[]): StagedRows {
  return { writer: writer as TurnRowWriter<unknown>, rows };
}

/**
 * What a caller of `processMessage` adds to the turn's transaction (chat: the transcript, the
 * outbox sends, the handoff mark), so that a turn is stored whole or not at all. Turns that finish
 * together are committed together (a group commit), so staged rows are written once per writer
 * for all of them; `commit` is for the rare work that must run statements of its own.
 */
export interface TurnHooks {
  stage?: (result: TurnResult) => StagedRows[];
  commit?: (tx: SqlExecutor, result: TurnResult) => Promise<void>;
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
export interface StateKindInfo {
  type: string;
  /** Stops the run and takes the user's next message. */
  waitsForInput: boolean;
  /** The bot's part stops here (the conversation ends, or a person takes over). */
  ends: boolean;
  /** The run may wait inside it (a called flow). */
  mayWaitInside: boolean;
  /** What validation says of one without `next` or transitions. */
  missingExit: 'error' | 'warning';
  /** Fields besides `next` and `transitions[].to` that name a state (dotted paths). */
  targetFields: string[];
}

/** Writing flows: drafts, versions, validation, NLU checks, "try it" and conversation tests. */
export interface FlowAuthoring {
  createFlow(tenantId: string, source: string | object): Promise<FlowDetail>;
  /** Replaces the draft; with `allowErrors` a draft with errors is saved (and listed in `errors`) instead of refused. */
  updateFlow(tenantId: string, flowId: string, source: string | object, options?: { allowErrors?: boolean }): Promise<FlowDetail>;
  validateFlow(tenantId: string, source: string | object): Promise<FlowValidationResult>;
  /** JSON Schema of the flow language. */
  flowSchema(): object;
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
