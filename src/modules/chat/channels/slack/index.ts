import { z } from 'zod';
import { AppError } from '../../../../shared/app-error.js';
import { credentialOf } from '../account-list.js';
import { defineChannel, respond, type SendResult } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { parseSlack } from './inbound.js';
import { SLACK_LIMITS, type SlackResponse } from './render.js';
import { asSlackSend, type SlackSend, slackSends } from './sends.js';
import { verifySlack } from './verify.js';

const teamSchema = z.object({
  teamId: z.string().regex(/^T[A-Z0-9]{2,30}$/, 'a Slack team id (T…)'),
  botToken: z.string().min(1).describe('The bot token (xoxb-…) the app got in this team'),
  botUserId: z.string().optional().describe("The bot's user id in this team"),
});

const configSchema = z.object({
  /** One app installed in several teams: each reply goes out with the bot token of the team it answers. */
  teams: z.array(teamSchema).max(100).default([]).describe('Teams the app is installed in, each with its own bot token'),
  botUserId: z.string().optional().describe("The bot's user id, so its own messages are ignored"),
  apiBaseUrl: z.url().default('https://slack.com/api'),
});

/** Credentials: sealed at rest, never shown back. */
const secretsSchema = z.object({
  botToken: z.string().min(1).optional().describe('The bot token (xoxb-…) with chat:write (one team; list several under teams)'),
  signingSecret: z.string().min(1).describe('The app signing secret (checks X-Slack-Signature)'),
});
type SlackConfig = z.infer<typeof configSchema> & z.infer<typeof secretsSchema>;

/** A views.open whose trigger is gone: the modal is sent as text instead. */
const STALE_TRIGGER = new Set(['expired_trigger_id', 'invalid_trigger_id', 'exchanged_trigger_id']);

/** Errors Slack reports with HTTP 200 that are worth another try. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function fromSlackAnswer(body: unknown): SendResult {
  const answer = (body ?? {}) as { ok?: unknown; ts?: unknown; error?: unknown };
  if (answer.ok === true) return { ok: true, externalId: typeof answer.ts === 'string' ? answer.ts : null };
  const error = typeof answer.error === 'string' ? answer.error : 'unknown_error';
  return { ok: false, retryable: TRANSIENT.has(error), error: `Slack: ${error}` };
}

const tokenOf = (config: SlackConfig, team: string | null | undefined): string | null => credentialOf(config.teams, 'teamId', team, 'botToken', config.botToken);

/** response_url answers only go to Slack's hooks host (or to the API base URL, which tests and proxies may move). */
function allowedResponseUrl(url: string, apiBaseUrl: string): boolean {
  try {
    const target = new URL(url);
    return (target.protocol === 'https:' && target.hostname === 'hooks.slack.com') || target.origin === new URL(apiBaseUrl).origin;
  } catch {
    return false;
  }
}

/** Slack Events API, slash commands and interactions in; `chat.postMessage` (in the conversation's thread) or a command's response_url out. */
export const slackChannel = defineChannel({
  id: 'slack',
  configSchema,
  secretsSchema,
  baseUrlFields: ['apiBaseUrl'],
  capabilities: { webhook: 'async', buttons: SLACK_LIMITS.buttons, quickReplies: SLACK_LIMITS.buttons, maxTextLength: SLACK_LIMITS.text },
  account: { name: 'app id (A…) or team id (T…)', pattern: /^[AT][A-Z0-9]{2,30}$/, example: 'T0001ABCD' },
  recipient: { pattern: /^[UW][A-Z0-9]{2,30}$/, hint: 'a Slack user id (U…)' },
  accountList: { field: 'teams', id: 'teamId', secret: 'botToken' },
  create(caps, config) {
    const api = config.apiBaseUrl.replace(/\/$/, '');
    const botUserIds = [config.botUserId, ...config.teams.map((t) => t.botUserId)].flatMap((id) => id ?? []);
    const post = (token: string, method: string, body: object) =>
      caps.post(`${api}/${method}`, { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
    /** A Web API call whose answer the caller needs now (not through the outbox). */
    async function call(token: string, method: string, body: object): Promise<Record<string, unknown>> {
      const result = await post(token, method, body);
      const answer = (result.body ?? {}) as Record<string, unknown>;
      if (!result.ok || answer.ok !== true) throw new AppError('integration_failed', `Slack ${method} failed: ${typeof answer.error === 'string' ? answer.error : result.ok ? 'unknown_error' : result.error}.`);
      return answer;
    }
    async function answerUrl(payload: SlackResponse): Promise<SendResult> {
      if (!allowedResponseUrl(payload.responseUrl, config.apiBaseUrl)) return { ok: false, retryable: false, error: 'Slack: response_url is not on hooks.slack.com' };
      const answer = await caps.post(payload.responseUrl, { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload.body) });
      // response_url answers `ok` as plain text, not JSON; its ts is not returned.
      return answer.ok ? { ok: true, externalId: null } : failedSend(answer, typeof answer.body === 'string' ? answer.body : undefined);
    }
    async function send(payload: SlackSend): Promise<SendResult> {
      if ('responseUrl' in payload) return answerUrl(payload);
      const token = tokenOf(config, payload.team);
      if (!token) return { ok: false, retryable: false, error: `Slack: no bot token for team ${payload.team ?? '(unknown)'}; add the team to the channel's teams` };
      const result = 'view' in payload ? await post(token, 'views.open', { trigger_id: payload.triggerId, view: payload.view }) : await post(token, 'chat.postMessage', payload.message);
      const answer = result.ok ? fromSlackAnswer(result.body) : failedSend(result, (result.body as { error?: string } | null)?.error);
      if ('view' in payload && !answer.ok && STALE_TRIGGER.has(answer.error.replace(/^Slack: /, ''))) return send(payload.fallback);
      return answer;
    }
    return {
      verify: (request) => verifySlack(request, config.signingSecret, caps.clock.now()),
      parseInbound: (request) => parseSlack(request.rawBody, request.headers['content-type'], botUserIds),
      render: slackSends,
      async startConversation(target) {
        // `from` names the team to write in; a channel with one token needs none (auth.test tells its team).
        const soleTeam = config.botToken === undefined && config.teams.length === 1 ? config.teams[0] : undefined;
        const listed = target.from ? config.teams.find((t) => t.teamId === target.from) : soleTeam;
        if (target.from && !listed && config.teams.length > 0) throw new AppError('bad_request', `from: '${target.from.slice(0, 100)}' is not one of the Slack channel's teams.`);
        const token = listed?.botToken ?? config.botToken;
        if (!token) throw new AppError('bad_request', "from: name the team (T…) to start the conversation in; the Slack channel has several.");
        // The DM's conversation key is what its messages get (team:channel), so the user's reply continues it.
        const [auth, opened] = await Promise.all([listed ? { team_id: listed.teamId } : call(token, 'auth.test', {}), call(token, 'conversations.open', { users: target.to })]);
        const teamId = typeof auth.team_id === 'string' ? auth.team_id : '';
        const channel = (opened.channel as { id?: unknown } | undefined)?.id;
        if (typeof channel !== 'string' || teamId === '') throw new AppError('integration_failed', 'Slack conversations.open answered without a channel id.');
        return { conversationKey: `${teamId}:${channel}`, address: { channel, team: teamId }, delivered: false };
      },
      send: (payload) => send(asSlackSend(payload)),
      // An empty 200: Slack shows a slash command's answer text to the user, and closes a submitted modal only on an empty body.
      respond: () => respond(200, ''),
    };
  },
});
