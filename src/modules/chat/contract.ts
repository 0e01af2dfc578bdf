import { z } from 'zod';
import type { Attachment, FormValues, InboundTurn, Location, Reply, TurnResult } from '../engine/contract.js';
import { CHANNEL_IDS, type ChannelId, STARTING_CHANNEL_IDS } from './channels/registry.js';

/**
 * Chat: conversations and their messages (JSONB documents), the path from an inbound message to
 * the engine and back, and the channel connectors (web, WhatsApp, Messenger, Slack, voice) with
 * their webhooks, dedupe and the durable outbox of outbound sends.
 */

// Channel ids are the registry's, so a new channel is one file plus one line there.
export { CHANNEL_IDS, type ChannelId } from './channels/registry.js';
export const channelIdSchema = z.enum(CHANNEL_IDS);

export interface StoredMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  text: string | null;
  payload: string | null;
  reply: Reply | null;
  turnId: string | null;
  /** Who wrote an outbound message: the bot (default) or a person after a handoff. */
  author?: 'bot' | 'agent';
  /** The platform's id of an inbound message (WhatsApp wamid, Slack ts …). */
  externalId?: string;
  /** Speech recognition confidence of a spoken message (voice), 0–1. */
  confidence?: number;
  /** What an inbound message carried besides text: media, a location, a submitted form. */
  attachments?: Attachment[];
  location?: Location;
  form?: FormValues;
  /** The latest delivery status the platform reported for an outbound message. */
  delivery?: { status: DeliveryStatus; at: string; error?: string };
  createdAt: string;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface ConversationSummary {
  id: string;
  channel: string;
  /** `handoff` while a person has the conversation; the bot does not answer then. */
  status: 'active' | 'handoff';
  /** `assignee`: the agent who has it (a user or API key id, or any label the API was given); absent or null while nobody does. */
  handoff: { at: string; by: 'flow'; assignee?: string | null } | null;
  startedAt: string;
  lastMessageAt: string;
  messageCount: number;
}

export const conversationListQuerySchema = z.object({
  status: z.enum(['active', 'handoff']).optional(),
  channel: z.string().min(1).max(40).optional(),
  /** Part of the conversation id or of a message's text. */
  q: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ConversationListQuery = z.infer<typeof conversationListQuerySchema>;

export const channelConfigInputSchema = z.object({
  enabled: z.boolean().default(true),
  /** The channel kind's settings, validated by its `configSchema`; secrets may be omitted to keep the stored ones. */
  config: z.record(z.string(), z.unknown()).default({}),
});
export type ChannelConfigInput = z.infer<typeof channelConfigInputSchema>;

/** A tenant's channel settings as the API shows them: secrets never leave, only whether they are set. */
export interface ChannelConfigView {
  channel: ChannelId;
  enabled: boolean;
  config: Record<string, unknown>;
  secretsSet: string[];
  /** Where the platform must send its webhooks (path under the public URL). */
  webhookPath: string | null;
  updatedAt: string;
}

export interface ChannelKindInfo {
  id: ChannelId;
  capabilities: Record<string, unknown>;
  secretFields: string[];
  /** JSON Schema of the channel's settings (the console renders its form from it). */
  configSchema: unknown;
}

/** A channel account routed to a flow: its new conversations start that flow instead of the default. */
export interface ChannelRoute {
  channel: ChannelId;
  /** Phone number id (WhatsApp), page id (Messenger), app or team id (Slack), E.164 number (voice), widget key (web). */
  account: string;
  flowId: string;
  updatedAt: string;
}

export const channelRouteInputSchema = z.object({
  flowId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a flow id such as flow_abc123'),
});
export type ChannelRouteInput = z.infer<typeof channelRouteInputSchema>;

export const SCHEDULE_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** A follow-up a flow scheduled (`schedule` action): a message to send, or an event to run as a turn. */
export interface ScheduledMessage {
  id: string;
  conversationId: string;
  channel: ChannelId;
  key: string | null;
  message?: string;
  event?: string;
  /** When it is due (while pending); a claimed one's lease end while it is being sent. */
  dueAt: string;
  status: ScheduleStatus;
  attempts: number;
  /** Why it failed (e.g. WhatsApp's 24-hour window closed), or the last retried error. */
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export const scheduleListQuerySchema = z.object({
  conversationId: z.string().min(1).max(128).optional(),
  status: z.enum(SCHEDULE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ScheduleListQuery = z.infer<typeof scheduleListQuerySchema>;

const templateInput = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name has lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en or en_US'),
  params: z.array(z.string().min(1).max(1000)).max(20).default([]),
});

/** Starting a conversation from the API: a WhatsApp template, a Slack DM, or an outbound call. */
export const startConversationSchema = z
  .object({
    channel: z.enum(STARTING_CHANNEL_IDS),
    /** WhatsApp: the user's number (digits, as wa_id); Slack: a user id (U…); voice: an E.164 number. */
    to: z.string().min(1).max(100),
    /** The sending account when the channel has several: a WhatsApp phone number id, or the caller id of a call. */
    from: z.string().min(1).max(100).optional(),
    /** A repeat with the same key returns the first result and sends nothing again. */
    idempotencyKey: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'use 1–100 printable ASCII characters without spaces'),
    text: z.string().min(1).max(4000).optional(),
    /** WhatsApp: an approved template (needed outside the 24-hour window, so for a first message). */
    template: templateInput.optional(),
  })
  .refine((s) => s.text !== undefined || s.template !== undefined, { message: 'give the first message as `text` or a WhatsApp `template`' });
export type StartConversationInput = z.infer<typeof startConversationSchema>;

export interface StartedConversation {
  conversationId: string;
  channel: ChannelId;
  idempotencyKey: string;
  /** False when this answers a repeat of an earlier request with the same key. */
  created: boolean;
  createdAt: string;
}

/** A webhook call as the gateway received it; `rawBody` is the exact body, for signatures. */
export interface WebhookRequest {
  method: 'GET' | 'POST';
  /** The full URL the platform called (Twilio signs it). */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
}

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
}

export const OUTBOX_STATUSES = ['pending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxEntry {
  id: string;
  conversationId: string;
  channel: ChannelId;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  externalId: string | null;
  delivery: DeliveryStatus | null;
  payload: unknown;
  createdAt: string;
  updatedAt: string;
}

export const webchatMessageSchema = z.object({
  key: z.string().min(1).max(200),
  conversation: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'use 1–100 letters, digits, dots, dashes, colons or underscores'),
  /** The page's id of this message: a resend with the same id gets the same answer, processed once. */
  id: z.string().min(1).max(100),
  text: z.string().max(4000).optional(),
  payload: z.string().min(1).max(1000).optional(),
});
export type WebchatMessage = z.infer<typeof webchatMessageSchema>;

export interface Chat {
  handleMessage(tenantId: string, conversationId: string, message: InboundTurn): Promise<TurnResult>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | null>;
  /** Oldest first: the first `limit` messages, or with `newest` the last `limit`. */
  listMessages(tenantId: string, conversationId: string, options?: { limit?: number; newest?: boolean }): Promise<StoredMessage[]>;
  /** Conversations, most recent first, filtered (console search and agent inbox). */
  listConversations(tenantId: string, filters: ConversationListQuery): Promise<ConversationSummary[]>;

  /** Every channel kind with its settings' JSON Schema; instantiates nothing. */
  listChannelKinds(): ChannelKindInfo[];
  listChannels(tenantId: string): Promise<ChannelConfigView[]>;
  getChannel(tenantId: string, channel: ChannelId): Promise<ChannelConfigView>;
  putChannel(tenantId: string, channel: ChannelId, input: ChannelConfigInput): Promise<ChannelConfigView>;
  deleteChannel(tenantId: string, channel: ChannelId): Promise<void>;

  /** The channel's routes, by account. */
  listRoutes(tenantId: string, channel: ChannelId): Promise<ChannelRoute[]>;
  /** Routes an account to a published flow (the account's format is checked per channel). */
  putRoute(tenantId: string, channel: ChannelId, account: string, input: ChannelRouteInput): Promise<ChannelRoute>;
  deleteRoute(tenantId: string, channel: ChannelId, account: string): Promise<void>;

  /** Follow-ups scheduled by flows, soonest first. */
  listSchedules(tenantId: string, query: ScheduleListQuery): Promise<ScheduledMessage[]>;
  cancelSchedule(tenantId: string, scheduleId: string): Promise<ScheduledMessage>;
  /** Starts a conversation (idempotent by key): its first message goes out through the channel's outbox, or as the call. */
  startConversation(tenantId: string, input: StartConversationInput): Promise<StartedConversation>;

  /** Verifies, acknowledges and (after the acknowledgement where the platform needs it) processes a webhook. */
  receiveWebhook(tenantId: string, channel: ChannelId, request: WebhookRequest): Promise<WebhookResponse>;

  /** Whether a browser origin may use the tenant's web chat (`web.allowedOrigins`; none configured = any). */
  webOriginAllowed(tenantId: string, origin: string | undefined): Promise<boolean>;
  /** One web chat message; a resend with the same client id returns the first answer. The widget key routes it (see routes). */
  webchatTurn(tenantId: string, session: { widgetKey: string; conversation: string; clientId: string }, message: InboundTurn): Promise<TurnResult>;

  listOutbox(tenantId: string, options: { status?: OutboxStatus; limit?: number }): Promise<OutboxEntry[]>;
  /** Puts a dead (or pending) entry back in line for an immediate attempt. */
  retryOutbox(tenantId: string, outboxId: string): Promise<OutboxEntry>;

  /** A person's reply in a handed-off conversation: stored and delivered through its channel. */
  sendAgentReply(tenantId: string, conversationId: string, text: string, agent?: string): Promise<StoredMessage>;
  /** Gives a handed-off conversation to an agent (null: nobody); while an agent has it the bot stays silent. */
  assignConversation(tenantId: string, conversationId: string, agent: string | null): Promise<ConversationSummary>;
  /** Ends the handoff: the flow resumes where it was and what the bot then says is sent (and returned). */
  handBack(tenantId: string, conversationId: string): Promise<ConversationSummary & { replies: Reply[] }>;

  /** Starts the outbox worker. */
  start(): void;
  /** Stops the worker and waits for webhook work already acknowledged. */
  stop(): Promise<void>;
}
