import { z } from 'zod';
import { defineChannel, type SendResult } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { parseSlack } from './inbound.js';
import { renderSlack, SLACK_LIMITS } from './render.js';
import { verifySlack } from './verify.js';

const configSchema = z.object({
  botToken: z.string().min(1).describe('The bot token (xoxb-…) with chat:write'),
  signingSecret: z.string().min(1).describe('The app signing secret (checks X-Slack-Signature)'),
  botUserId: z.string().optional().describe("The bot's user id, so its own messages are ignored"),
  apiBaseUrl: z.url().default('https://slack.com/api'),
});

/** Errors Slack reports with HTTP 200 that are worth another try. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function fromSlackAnswer(body: unknown): SendResult {
  const answer = (body ?? {}) as { ok?: unknown; ts?: unknown; error?: unknown };
  if (answer.ok === true) return { ok: true, externalId: typeof answer.ts === 'string' ? answer.ts : null };
  const error = typeof answer.error === 'string' ? answer.error : 'unknown_error';
  return { ok: false, retryable: TRANSIENT.has(error), error: `Slack: ${error}` };
}

/** Slack Events API in, `chat.postMessage` out (in the thread of the conversation). */
export const slackChannel = defineChannel({
  id: 'slack',
  configSchema,
  secretFields: ['botToken', 'signingSecret'],
  baseUrlFields: ['apiBaseUrl'],
  capabilities: { webhook: 'async', buttons: SLACK_LIMITS.buttons, quickReplies: SLACK_LIMITS.buttons, maxTextLength: SLACK_LIMITS.text },
  create(caps, config) {
    const url = `${config.apiBaseUrl.replace(/\/$/, '')}/chat.postMessage`;
    return {
      verify: (request) => verifySlack(request, config.signingSecret, caps.clock.now()),
      parseInbound: (request) => parseSlack(request.rawBody, request.headers['content-type'], config.botUserId),
      render: renderSlack,
      async send(payload) {
        const result = await caps.post(url, {
          headers: { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(payload),
        });
        return result.ok ? fromSlackAnswer(result.body) : failedSend(result, (result.body as { error?: string } | null)?.error);
      },
    };
  },
});
