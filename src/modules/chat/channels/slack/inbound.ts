import { z } from 'zod';
import { parseUntrustedJson } from '../../../../shared/safe-input.js';
import type { InboundEvent, InboundMessage } from '../define-channel.js';

const event = z.object({
  type: z.string(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: z.string(),
  channel_type: z.string().optional(),
});
const eventCallback = z.object({ type: z.literal('event_callback'), team_id: z.string(), event: z.unknown() });

const blockActions = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ value: z.string().optional(), action_ts: z.string(), text: z.object({ text: z.string() }).optional() })),
});

/** Slack sends events as JSON and interactions as a form with one `payload` field holding JSON. */
function bodyOf(rawBody: string, contentType: string | undefined): unknown {
  const form = contentType?.startsWith('application/x-www-form-urlencoded');
  return parseUntrustedJson(form ? (new URLSearchParams(rawBody).get('payload') ?? 'null') : rawBody, 'Slack request body');
}

const conversationKey = (team: string, channel: string, threadRoot: string | undefined) => [team, channel, threadRoot].filter(Boolean).join(':');
const MENTION = /<@[A-Z0-9]+>\s*/g;

function fromEvent(team: string, raw: unknown, botUserId: string | undefined): InboundMessage | null {
  const parsed = event.safeParse(raw);
  if (!parsed.success) return null;
  const e = parsed.data;
  if (e.type !== 'message' && e.type !== 'app_mention') return null;
  // Edits, deletions, joins and bots (ourselves included) are not user messages.
  if (e.subtype !== undefined || e.bot_id !== undefined || !e.user || e.user === botUserId) return null;
  const text = (e.text ?? '').replace(MENTION, '').trim();
  if (text === '') return null;
  // In a channel every top-level message starts a thread (a conversation); a DM is one conversation.
  const threadRoot = e.channel_type === 'im' ? e.thread_ts : (e.thread_ts ?? e.ts);
  return {
    kind: 'message',
    // message + app_mention of one post share channel and ts: the second is a duplicate.
    externalId: `${e.channel}:${e.ts}`,
    conversationKey: conversationKey(team, e.channel, threadRoot),
    userId: e.user,
    text,
    address: { channel: e.channel, ...(threadRoot ? { threadTs: threadRoot } : {}) },
  };
}

function fromActions(raw: unknown): InboundMessage[] {
  const parsed = blockActions.safeParse(raw);
  if (!parsed.success) return [];
  const { team, user, channel, message, actions } = parsed.data;
  const threadRoot = message?.thread_ts;
  return actions.flatMap((action) =>
    action.value === undefined
      ? []
      : [{
          kind: 'message' as const,
          externalId: `${channel.id}:action:${action.action_ts}`,
          conversationKey: conversationKey(team.id, channel.id, threadRoot),
          userId: user.id,
          ...(user.name ? { userName: user.name } : {}),
          payload: action.value,
          ...(action.text ? { text: action.text.text } : {}),
          address: { channel: channel.id, ...(threadRoot ? { threadTs: threadRoot } : {}) },
        }],
  );
}

/** Pure: Events API `message` / `app_mention` events and `block_actions` interactions → user messages. */
export function parseSlack(rawBody: string, contentType: string | undefined, botUserId: string | undefined): InboundEvent[] {
  const body = bodyOf(rawBody, contentType);
  const callback = eventCallback.safeParse(body);
  if (callback.success) {
    const message = fromEvent(callback.data.team_id, callback.data.event, botUserId);
    return message ? [message] : [];
  }
  return fromActions(body);
}
