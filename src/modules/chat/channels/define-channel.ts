import type { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { defineExtension, type Extension } from '../../../shared/define-extension.js';
import type { Attachment, FormValues, Location, Reply } from '../../engine/contract.js';
import type { DeliveryStatus, WebhookRequest, WebhookResponse } from '../contract.js';
import { accountsRule } from './account-list.js';
import type { PostResult } from './http-post.js';

/** Where replies of one conversation go on its platform (phone number, PSID, Slack thread …). */
export type Address = Record<string, string>;

/** One user message, normalised: the same shape whatever the platform. */
export interface InboundMessage {
  kind: 'message';
  /** The platform's message id, for dedupe. */
  externalId: string;
  /** Stable per conversation on the platform (a phone number, a Slack thread); prefixed with the channel by chat. */
  conversationKey: string;
  userId: string;
  userName?: string;
  text?: string;
  payload?: string;
  /** Speech recognition confidence (voice), 0–1. */
  confidence?: number;
  attachments?: Attachment[];
  location?: Location;
  form?: FormValues;
  address: Address;
  /** The channel accounts it reached (phone number id, page id, Slack app and team …), most specific first: routes match these. */
  accounts?: string[];
}

/** A platform's report about one of our outbound messages; never a user message. */
export interface StatusEvent {
  kind: 'status';
  status: DeliveryStatus;
  at: string;
  /** Our outbound messages by their platform ids … */
  externalIds?: string[];
  /** … or every message of a conversation sent up to a time (Messenger's read watermark). */
  upTo?: { conversationKey: string; at: string };
  error?: string;
}

export type InboundEvent = InboundMessage | StatusEvent;

/** `ok` passes the request on to `parseInbound`; `respond` ends it here (handshakes, refusals). */
export type Verification = { ok: true } | { ok: false; respond: WebhookResponse };

/** A finished turn, for channels that answer inside the webhook's response (voice). */
export interface TurnOutcome {
  replies: Reply[];
  handoff: boolean;
  ended: boolean;
}

export interface ChannelCaps {
  clock: Clock;
  /** The one HTTP client of outbound sends (timeouts, 429 and Retry-After handling). */
  post: (url: string, init: { headers: Record<string, string>; body: string }) => Promise<PostResult>;
}

/** What `send` tells the outbox: delivered (with the platform's id), retry later, or give up. */
export type SendResult =
  | { ok: true; externalId: string | null }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

export interface ChannelInstance {
  /** Signature and handshake checks over the raw request. */
  verify(request: WebhookRequest): Verification;
  /** Pure: the request's user messages and status events. */
  parseInbound(request: WebhookRequest): InboundEvent[];
  /** Pure: platform payloads for one reply (long texts split, buttons per the platform's limits). */
  render(reply: Reply, address: Address): unknown[];
  send(payload: unknown): Promise<SendResult>;
  /**
   * Opens a conversation the business starts (`to`: the platform's user address). `delivered`:
   * the channel already delivered `first` (a call placed with it); otherwise chat queues it.
   */
  startConversation?(target: { to: string; from?: string }, first: Reply): Promise<{ conversationKey: string; address: Address; delivered: boolean }>;
  /** Best effort, off the turn's path: shows the user that the bot is typing (Messenger, WhatsApp). */
  typing?(address: Address, inboundId: string): Promise<void>;
  /** Synchronous channels answer the webhook with the turn's replies; the others acknowledge at once (with `null`), by default with `200 ok`. */
  respond?(outcome: TurnOutcome | null, request: WebhookRequest): WebhookResponse;
}

/**
 * A config field listing several accounts of the platform, each with its own credential
 * (Messenger pages, Slack teams, WhatsApp numbers): `id` names the account, `secret` is its
 * credential, sealed per account; the channel's own `secret` field serves a single account.
 */
export interface AccountList {
  field: string;
  id: string;
  secret: string;
}

/** A channel kind: settings and credentials are flat objects, stored apart and merged for `create`. */
export interface ChannelDefinition<Id extends string = string, C extends z.ZodObject = z.ZodObject, S extends z.ZodObject = z.ZodObject> extends Extension<'channel', Id, C, S> {
  /** Fields of the config holding outbound base URLs, pinned to their defaults unless overrides are allowed. */
  baseUrlFields: readonly string[];
  capabilities: { webhook: 'async' | 'sync' | 'none'; buttons: number; quickReplies: number; maxTextLength: number };
  /** What identifies one account of this channel (routes are keyed by it) and how to check one. */
  account: { name: string; pattern: RegExp; example: string };
  /** Channels whose instance can `startConversation`: the user address (`to`) they take, and how to write one. */
  recipient?: { pattern: RegExp; hint: string };
  /** Several accounts in one config, each with its own credential (see AccountList). */
  accountList?: AccountList;
  create(caps: ChannelCaps, config: z.infer<C> & z.infer<S>): ChannelInstance;
}

export const defineChannel = <const Id extends string, C extends z.ZodObject, S extends z.ZodObject>(definition: Omit<ChannelDefinition<Id, C, S>, 'kind'>): ChannelDefinition<Id, C, S> =>
  defineExtension({ kind: 'channel', ...definition });

/** Settings and credentials as one object: what a workspace enters and what `create` receives. */
export function channelSettingsSchema(definition: ChannelDefinition): z.ZodObject {
  const settings = definition.configSchema.extend(definition.secretsSchema.shape);
  return definition.accountList ? settings.check(accountsRule(definition.accountList)) : settings;
}

export const secretFieldsOf = (definition: ChannelDefinition): string[] => Object.keys(definition.secretsSchema.shape);

/** The webhook acknowledgements every channel uses. */
export const respond = (status: number, body = '', contentType = 'text/plain; charset=utf-8'): WebhookResponse => ({ status, body, contentType });
export const refuse = (status: number, message: string): Verification => ({ ok: false, respond: respond(status, message) });
