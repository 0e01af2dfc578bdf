import { z } from 'zod';
import { AppError } from '../../../../shared/app-error.js';
import { defineChannel, type SendResult } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { parseSlack } from './inbound.js';
import { renderSlack, SLACK_LIMITS, type SlackResponse } from './render.js';
import { verifySlack } from './verify.js';

const configSchema = z.object({
  botUserId: z.string().optional().describe("The bot's user id, so its own messages are ignored"),
  apiBaseUrl: z.url().default('https://slack.com/api'),
});

/** Credentials: sealed at rest, never shown back. */
const secretsSchema = z.object({
  botToken: z.string().min(1).describe('The bot token (xoxb-…) with chat:write'),
  signingSecret: z.string().min(1).describe('The app signing secret (checks X-Slack-Signature)'),
});

/** Errors Slack reports with HTTP 200 that are worth another try. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function fromSlackAnswer(body: unknown): SendResult {
  const answer = (body ?? {}) as { ok?: unknown; ts?: unknown; error?: unknown };
  if (answer.ok === true) return { ok: true, externalId: typeof answer.ts === 'string' ? answer.ts : null };
  const error = typeof answer.error === 'string' ? answer.error : 'unknown_error';
  return { ok: false, retryable: TRANSIENT.has(error), error: `Slack: ${error}` };
}

const isResponse = (payload: unknown): payload is SlackResponse => typeof payload === 'object' && payload !== null && 'responseUrl' in payload;

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
  create(caps, config) {
    const api = config.apiBaseUrl.replace(/\/$/, '');
    const url = `${api}/chat.postMessage`;
    const headers = { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/json; charset=utf-8' };
    /** A Web API call whose answer the caller needs now (not through the outbox). */
    async function call(method: string, body: object): Promise<Record<string, unknown>> {
      const result = await caps.post(`${api}/${method}`, { headers, body: JSON.stringify(body) });
      const answer = (result.body ?? {}) as Record<string, unknown>;
      if (!result.ok || answer.ok !== true) throw new AppError('integration_failed', `Slack ${method} failed: ${typeof answer.error === 'string' ? answer.error : result.ok ? 'unknown_error' : result.error}.`);
      return answer;
    }
    return {
      verify: (request) => verifySlack(request, config.signingSecret, caps.clock.now()),
      parseInbound: (request) => parseSlack(request.rawBody, request.headers['content-type'], config.botUserId),
      render: renderSlack,
      async startConversation(target) {
        // The DM's conversation key is what its messages get (team:channel), so the user's reply continues it.
        const [auth, opened] = await Promise.all([call('auth.test', {}), call('conversations.open', { users: target.to })]);
        const team = typeof auth.team_id === 'string' ? auth.team_id : '';
        const channel = (opened.channel as { id?: unknown } | undefined)?.id;
        if (typeof channel !== 'string' || team === '') throw new AppError('integration_failed', 'Slack conversations.open answered without a channel id.');
        return { conversationKey: `${team}:${channel}`, address: { channel }, delivered: false };
      },
      async send(payload) {
        if (isResponse(payload)) {
          if (!allowedResponseUrl(payload.responseUrl, config.apiBaseUrl)) return { ok: false, retryable: false, error: 'Slack: response_url is not on hooks.slack.com' };
          const answer = await caps.post(payload.responseUrl, { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload.body) });
          // response_url answers `ok` as plain text, not JSON; its ts is not returned.
          return answer.ok ? { ok: true, externalId: null } : failedSend(answer, typeof answer.body === 'string' ? answer.body : undefined);
        }
        const result = await caps.post(url, {
          headers: { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(payload),
        });
        return result.ok ? fromSlackAnswer(result.body) : failedSend(result, (result.body as { error?: string } | null)?.error);
      },
    };
  },
});
