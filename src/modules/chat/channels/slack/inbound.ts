import { z } from 'zod';
import { assertSafeInput, parseUntrustedJson } from '../../../../shared/safe-input.js';
import type { FormValues } from '../../../engine/contract.js';
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
const eventCallback = z.object({ type: z.literal('event_callback'), team_id: z.string(), api_app_id: z.string().optional(), event: z.unknown() });

const option = z.object({ value: z.string(), text: z.object({ text: z.string() }).optional() });
const blockActions = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }),
  api_app_id: z.string().optional(),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }),
  container: z.object({ is_ephemeral: z.boolean().optional() }).optional(),
  response_url: z.url().optional(),
  trigger_id: z.string().optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ value: z.string().optional(), selected_option: option.optional(), action_ts: z.string(), text: z.object({ text: z.string() }).optional() })),
});

/** A slash command (`/order large pizza`), posted as a form. */
const slashCommand = z.object({
  command: z.string().regex(/^\/\S{1,31}$/),
  text: z.string().default(''),
  team_id: z.string(),
  api_app_id: z.string().optional(),
  channel_id: z.string(),
  user_id: z.string(),
  user_name: z.string().optional(),
  response_url: z.url(),
  trigger_id: z.string(),
});

const inputValue = z.object({
  value: z.string().nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).optional(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_user: z.string().nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
});
const viewSubmission = z.object({
  type: z.literal('view_submission'),
  team: z.object({ id: z.string() }),
  api_app_id: z.string().optional(),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  view: z.object({
    id: z.string(),
    hash: z.string().optional(),
    callback_id: z.string().default(''),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), inputValue)) }),
  }),
});

type Interaction = Record<string, string>;

/** Slack sends events as JSON, interactions as a form with one `payload` field holding JSON, slash commands as a plain form. */
function bodyOf(rawBody: string, contentType: string | undefined): { json?: unknown; form?: Interaction } {
  if (!contentType?.startsWith('application/x-www-form-urlencoded')) return { json: parseUntrustedJson(rawBody, 'Slack request body') };
  const form = new URLSearchParams(rawBody);
  const payload = form.get('payload');
  if (payload !== null) return { json: parseUntrustedJson(payload, 'Slack interaction payload') };
  // A slash command's form is as untrusted as JSON (%00 decodes to NUL); checked after the signature.
  const fields = Object.fromEntries(form);
  assertSafeInput(fields, 'Slack slash command');
  return { form: fields };
}

const conversationKey = (team: string, channel: string, threadRoot: string | undefined) => [team, channel, threadRoot].filter(Boolean).join(':');
const accountsOf = (team: string, app: string | undefined) => (app ? [app, team] : [team]);
const MENTION = /<@[A-Z0-9]+>\s*/g;
/** In a DM (D…) the conversation is the DM; in a channel a slash command's exchange is private to its user (ephemeral). */
const isDm = (channel: string) => channel.startsWith('D');
const privateKey = (team: string, channel: string, user: string) => (isDm(channel) ? conversationKey(team, channel, undefined) : `${team}:${channel}:user:${user}`);

function fromEvent(team: string, app: string | undefined, raw: unknown, botUserIds: readonly string[]): InboundMessage | null {
  const parsed = event.safeParse(raw);
  if (!parsed.success) return null;
  const e = parsed.data;
  if (e.type !== 'message' && e.type !== 'app_mention') return null;
  // Edits, deletions, joins and bots (ourselves included) are not user messages.
  if (e.subtype !== undefined || e.bot_id !== undefined || !e.user || botUserIds.includes(e.user)) return null;
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
    address: { channel: e.channel, ...(threadRoot ? { threadTs: threadRoot } : {}), team },
    accounts: accountsOf(team, app),
  };
}

function fromActions(raw: unknown): InboundMessage[] | null {
  const parsed = blockActions.safeParse(raw);
  if (!parsed.success) return null;
  const { team, user, channel, message, actions, container, response_url: responseUrl, trigger_id: triggerId } = parsed.data;
  const threadRoot = message?.thread_ts;
  // A button under an ephemeral reply (a slash command's) can only be answered through its response_url.
  const ephemeral = container?.is_ephemeral === true && responseUrl !== undefined;
  const key = ephemeral ? privateKey(team.id, channel.id, user.id) : conversationKey(team.id, channel.id, threadRoot);
  const where: Record<string, string> = ephemeral ? { channel: channel.id, responseUrl: responseUrl!, responseType: isDm(channel.id) ? 'in_channel' : 'ephemeral' } : { channel: channel.id, ...(threadRoot ? { threadTs: threadRoot } : {}) };
  // The team picks the bot token; the trigger lets the reply open a modal (for 3 seconds).
  const address = { ...where, team: team.id, ...(triggerId ? { triggerId } : {}) };
  return actions.flatMap((action) => {
    // A button has a value; a select its selected option.
    const value = action.value ?? action.selected_option?.value;
    const label = action.text?.text ?? action.selected_option?.text?.text;
    if (value === undefined) return [];
    return [{
      kind: 'message' as const,
      externalId: `${channel.id}:action:${action.action_ts}`,
      conversationKey: key,
      userId: user.id,
      ...(user.name ? { userName: user.name } : {}),
      payload: value,
      ...(label ? { text: label } : {}),
      address,
      accounts: accountsOf(team.id, parsed.data.api_app_id),
    }];
  });
}

/** A modal's submitted inputs as one form: action id → value (several selected options joined by commas). */
function formOf(values: Record<string, Record<string, z.infer<typeof inputValue>>>): FormValues {
  const form: FormValues = {};
  for (const block of Object.values(values)) {
    for (const [actionId, input] of Object.entries(block)) {
      const value =
        input.value ?? input.selected_option?.value ?? input.selected_options?.map((o) => o.value).join(',') ?? input.selected_date ?? input.selected_time ??
        input.selected_user ?? input.selected_conversation ?? input.selected_channel ?? null;
      if (value !== null) form[actionId] = value.slice(0, 3000);
    }
  }
  return form;
}

/** Where a modal's submission continues: the conversation it was opened from (see modal.ts). */
const metadata = z.object({ channel: z.string(), thread_ts: z.string().optional(), response_url: z.url().optional(), response_type: z.enum(['ephemeral', 'in_channel']).optional() });

/** The conversation a submission continues: a slash command's private exchange (it has a response_url), a thread, or the user's DM. */
function submittedIn(team: string, user: string, where: z.infer<typeof metadata> | null): { key: string; address: Record<string, string> } {
  if (!where) return { key: `${team}:dm:${user}`, address: { channel: user, team } };
  if (where.response_url) {
    return { key: privateKey(team, where.channel, user), address: { channel: where.channel, responseUrl: where.response_url, responseType: where.response_type ?? 'ephemeral', team } };
  }
  return { key: conversationKey(team, where.channel, where.thread_ts), address: { channel: where.channel, ...(where.thread_ts ? { threadTs: where.thread_ts } : {}), team } };
}

function fromViewSubmission(raw: unknown): InboundMessage | null {
  const parsed = viewSubmission.safeParse(raw);
  if (!parsed.success) return null;
  const { team, user, view } = parsed.data;
  // A modal has no channel: the app may name one in private_metadata; otherwise the reply goes to the user's DM.
  let where: z.infer<typeof metadata> | null = null;
  try {
    const meta = metadata.safeParse(JSON.parse(view.private_metadata || 'null'));
    where = meta.success ? meta.data : null;
  } catch {
    where = null;
  }
  const { key, address } = submittedIn(team.id, user.id, where);
  return {
    kind: 'message',
    externalId: `view:${view.id}:${view.hash ?? ''}`,
    conversationKey: key,
    userId: user.id,
    ...(user.name ? { userName: user.name } : {}),
    ...(view.callback_id ? { payload: view.callback_id } : {}),
    form: formOf(view.state.values),
    address,
    accounts: accountsOf(team.id, parsed.data.api_app_id),
  };
}

function fromSlashCommand(form: Interaction): InboundMessage | null {
  const parsed = slashCommand.safeParse(form);
  if (!parsed.success) return null;
  const c = parsed.data;
  const text = c.text.trim();
  return {
    kind: 'message',
    externalId: `slash:${c.trigger_id}`,
    conversationKey: privateKey(c.team_id, c.channel_id, c.user_id),
    userId: c.user_id,
    ...(c.user_name ? { userName: c.user_name } : {}),
    // The command is the payload (`payload == "/order"` in a flow), its argument the text the NLU reads.
    payload: c.command,
    ...(text ? { text } : {}),
    address: { channel: c.channel_id, responseUrl: c.response_url, responseType: isDm(c.channel_id) ? 'in_channel' : 'ephemeral', team: c.team_id, triggerId: c.trigger_id },
    accounts: accountsOf(c.team_id, c.api_app_id),
  };
}

/**
 * Pure: Events API `message` / `app_mention` events, slash commands, and the interactions
 * `block_actions` (buttons, selects) and `view_submission` (modals) → user messages.
 */
export function parseSlack(rawBody: string, contentType: string | undefined, botUserIds: readonly string[]): InboundEvent[] {
  const { json, form } = bodyOf(rawBody, contentType);
  if (form) return [fromSlashCommand(form)].flatMap((m) => m ?? []);
  const callback = eventCallback.safeParse(json);
  if (callback.success) {
    const message = fromEvent(callback.data.team_id, callback.data.api_app_id, callback.data.event, botUserIds);
    return message ? [message] : [];
  }
  const submitted = fromViewSubmission(json);
  if (submitted) return [submitted];
  return fromActions(json) ?? [];
}
