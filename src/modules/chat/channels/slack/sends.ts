import type { Reply } from '../../../engine/contract.js';
import { modalAsPlain } from '../degrade.js';
import type { Address } from '../define-channel.js';
import { modalView } from './modal.js';
import { renderSlack, type SlackResponse } from './render.js';

/** A `chat.postMessage` body and the team whose bot token sends it (null: the channel's single token). */
export interface SlackPost {
  team: string | null;
  message: Record<string, unknown>;
}

/** A modal to open with `views.open` while its trigger lasts; `fallback` (the modal as text) goes instead once it expired. */
export interface SlackModal {
  team: string | null;
  triggerId: string;
  view: Record<string, unknown>;
  fallback: SlackPost | SlackResponse;
}

/** What the outbox holds for Slack: a post, a response_url answer, or a modal. */
export type SlackSend = SlackPost | SlackResponse | SlackModal;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Outbox entries written before sends carried their team are bare `chat.postMessage` bodies. */
export function asSlackSend(payload: unknown): SlackSend {
  if (isObject(payload) && ('responseUrl' in payload || 'message' in payload || 'view' in payload)) return payload as unknown as SlackSend;
  return { team: null, message: isObject(payload) ? payload : {} };
}

const hasContent = (reply: Reply) => Boolean(reply.text.trim() || reply.media || reply.cards?.length || reply.list || reply.buttons?.length || reply.quickReplies?.length);

/**
 * Pure: one reply → Slack sends, each carrying the team of the conversation's address (its bot
 * token sends it). A modal opens first, while the interaction's trigger (3 seconds) lasts; without
 * a trigger (a plain message started the conversation) it is shown as text.
 */
export function slackSends(reply: Reply, address: Address): SlackSend[] {
  const team = address.team ?? null;
  const toSend = (payload: unknown): SlackPost | SlackResponse =>
    isObject(payload) && 'responseUrl' in payload ? (payload as unknown as SlackResponse) : { team, message: payload as Record<string, unknown> };
  if (!reply.modal || !address.triggerId) return renderSlack(modalAsPlain(reply), address).map(toSend);
  const { modal, ...rest } = reply;
  const [fallback] = renderSlack(modalAsPlain({ type: 'text', text: '', modal }), address).map(toSend);
  const opened: SlackModal = { team, triggerId: address.triggerId, view: modalView(modal, address), fallback: fallback! };
  return [opened, ...(hasContent(rest) ? renderSlack(rest, address).map(toSend) : [])];
}
