import { z } from 'zod';
import { attachmentSchema, type InboundTurn, locationSchema, type Reply, replySchema, type TurnResult } from '../engine/contract.js';
import { CHANNEL_IDS, type ChannelId, STARTING_CHANNEL_IDS } from './channels/registry.js';

/**
 * Chat: conversations and their messages (JSONB documents), the path from an inbound message to
 * the engine and back, and the channel connectors (web, WhatsApp, Messenger, Slack, voice) with
 * their webhooks, dedupe and the durable outbox of outbound sends.
 */

// Channel ids are the registry's, so a new channel is one file plus one line there.
export { CHANNEL_IDS, type ChannelId } from './channels/registry.js';
export const channelIdSchema = z.enum(CHANNEL_IDS);

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const storedMessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    channel: z.string(),
    text: z.string().nullable(),
    payload: z.string().nullable(),
    reply: replySchema.nullable(),
    turnId: z.string().nullable(),
    /** Who wrote an outbound message: the bot (default) or a person after a handoff. */
    author: z.enum(['bot', 'agent']).optional(),
    /** The platform's id of an inbound message (WhatsApp wamid, Slack ts …). */
    externalId: z.string().optional(),
    /** Speech recognition confidence of a spoken message (voice), 0–1. */
    confidence: z.number().optional(),
    /** What an inbound message carried besides text: media, a location, a submitted form. */
    attachments: z.array(attachmentSchema).optional(),
    location: locationSchema.optional(),
    form: z.record(z.string(), z.string()).optional(),
    /** The latest delivery status the platform reported for an outbound message. */
    delivery: z.object({ status: z.enum(DELIVERY_STATUSES), at: z.string(), error: z.string().optional() }).optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'StoredMessage' });
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const conversationSummarySchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    /** `handoff` while a person has the conversation; the bot does not answer then. */
    status: z.enum(['active', 'handoff']),
    /** `assignee`: the agent who has it (a user or API key id, or any label the API was given); absent or null while nobody does. */
    handoff: z.object({ at: z.string(), by: z.literal('flow'), assignee: z.string().nullable().optional() }).nullable(),
    startedAt: z.string(),
    lastMessageAt: z.string(),
    messageCount: z.number(),
  })
  .meta({ id: 'ConversationSummary' });
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

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
export const channelConfigViewSchema = z
  .object({
    channel: channelIdSchema,
    enabled: z.boolean(),
    config: z.record(z.string(), z.unknown()),
    secretsSet: z.array(z.string()),
    /** Where the platform must send its webhooks (path under the public URL). */
    webhookPath: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ChannelView' });
export type ChannelConfigView = z.infer<typeof channelConfigViewSchema>;

export const channelKindInfoSchema = z
  .object({
    id: channelIdSchema,
    capabilities: z.record(z.string(), z.unknown()),
    secretFields: z.array(z.string()),
    /** JSON Schema of the channel's settings (the console renders its form from it). */
    configSchema: z.unknown(),
  })
  .meta({ id: 'ChannelKind' });
export type ChannelKindInfo = z.infer<typeof channelKindInfoSchema>;

/** A channel account routed to a flow: its new conversations start that flow instead of the default. */
export const channelRouteSchema = z
  .object({
    channel: channelIdSchema,
    /** Phone number id (WhatsApp), page id (Messenger), app or team id (Slack), E.164 number (voice), widget key (web). */
    account: z.string(),
    flowId: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ChannelRoute' });
export type ChannelRoute = z.infer<typeof channelRouteSchema>;

export const channelRouteInputSchema = z.object({
  flowId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a flow id such as flow_abc123'),
});
export type ChannelRouteInput = z.infer<typeof channelRouteInputSchema>;

export const SCHEDULE_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** A follow-up a flow scheduled (`schedule` action): a message to send, or an event to run as a turn. */
export const scheduledMessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    channel: channelIdSchema,
    key: z.string().nullable(),
    message: z.string().optional(),
    event: z.string().optional(),
    /** When it is due (while pending); a claimed one's lease end while it is being sent. */
    dueAt: z.string(),
    status: z.enum(SCHEDULE_STATUSES),
    attempts: z.number(),
    /** Why it failed (e.g. WhatsApp's 24-hour window closed), or the last retried error. */
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ScheduledMessage' });
export type ScheduledMessage = z.infer<typeof scheduledMessageSchema>;

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

export const startedConversationSchema = z
  .object({
    conversationId: z.string(),
    channel: channelIdSchema,
    idempotencyKey: z.string(),
    /** False when this answers a repeat of an earlier request with the same key. */
    created: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'StartedConversation' });
export type StartedConversation = z.infer<typeof startedConversationSchema>;

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

export const outboxEntrySchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    channel: channelIdSchema,
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.number(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    externalId: z.string().nullable(),
    delivery: z.enum(DELIVERY_STATUSES).nullable(),
    payload: z.unknown(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'OutboxEntry' });
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

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
