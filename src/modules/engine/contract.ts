import { z } from 'zod';
import type { SideEffect, TraceEvent } from './flow/index.js';

/**
 * Engine: flows (drafts, versions, the default) and the execution service that runs one turn of a
 * conversation under its lock. Plain JSON in and out, tenant first.
 */

export const conversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'use 1–128 letters, digits, dots, dashes, colons or underscores');

export const inboundTurnSchema = z
  .object({
    text: z.string().max(4000, 'a message is at most 4,000 characters').optional(),
    payload: z.string().min(1).max(1000).optional(),
    channel: z.string().min(1).max(40).default('api'),
    user: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((m) => (m.text !== undefined && m.text.trim() !== '') || m.payload !== undefined, {
    message: 'a message needs non-empty `text` or a `payload`',
  });
export type InboundTurn = z.infer<typeof inboundTurnSchema>;

export interface ReplyButton {
  title: string;
  payload: string;
}

export interface Reply {
  type: 'text';
  text: string;
  buttons?: ReplyButton[];
  quickReplies?: ReplyButton[];
}

export interface TurnResult {
  turnId: string;
  replies: Reply[];
  /** The state the conversation now waits in (or ended in). */
  state: string | null;
  intent: string | null;
  confidence: number | null;
  ended: boolean;
  handoff: boolean;
}

export interface ConversationState {
  conversationId: string;
  flowId: string;
  flowVersion: number;
  state: string | null;
  status: string;
  turn: number;
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  updatedAt: string;
}

export interface FlowIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  code: string;
  line?: number;
}

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
  definition: unknown;
  warnings: FlowIssue[];
  versions: { version: number; publishedAt: string }[];
}

export type { TraceEvent } from './flow/index.js';

/** Everything one finished turn did, handed to the analytics pipeline (off the hot path). */
export interface TurnRecord {
  tenantId: string;
  conversationId: string;
  turnId: string;
  flowId: string;
  flowVersion: number;
  channel: string;
  turn: number;
  /** True when this turn started a new run of the flow (a new conversation or one that had ended). */
  newRun: boolean;
  startedAt: string;
  latencyMs: number;
  status: 'waiting' | 'ended' | 'handoff';
  state: string | null;
  replies: number;
  trace: TraceEvent[];
  sideEffects: SideEffect[];
}

export interface Engine {
  processMessage(tenantId: string, conversationId: string, message: InboundTurn): Promise<TurnResult>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationState | null>;
  createFlow(tenantId: string, source: string | object): Promise<FlowDetail>;
  listFlows(tenantId: string): Promise<FlowSummary[]>;
  getFlow(tenantId: string, flowId: string): Promise<FlowDetail>;
  publishFlow(tenantId: string, flowId: string): Promise<{ flowId: string; version: number }>;
  setDefaultFlow(tenantId: string, flowId: string): Promise<FlowSummary>;
}
