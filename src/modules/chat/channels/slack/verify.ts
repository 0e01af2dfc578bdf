import type { WebhookRequest } from '../../contract.js';
import { refuse, respond, type Verification } from '../define-channel.js';
import { hmacHex, safeEqual } from '../signatures.js';

/** Slack refuses requests older than this; so do we (replay protection). */
export const SLACK_REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * Slack's v0 signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` under the signing
 * secret, with the timestamp no more than 5 minutes off. A signed `url_verification` is answered
 * with its challenge.
 */
export function verifySlack(request: WebhookRequest, signingSecret: string, nowMs: number): Verification {
  const timestamp = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  if (!timestamp || !signature) return refuse(401, 'missing X-Slack-Signature or X-Slack-Request-Timestamp');
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(nowMs - seconds * 1000) > SLACK_REPLAY_WINDOW_MS) {
    return refuse(401, 'X-Slack-Request-Timestamp is outside the 5-minute window');
  }
  const expected = `v0=${hmacHex('sha256', signingSecret, `v0:${timestamp}:${request.rawBody}`)}`;
  if (!safeEqual(signature, expected)) return refuse(401, 'X-Slack-Signature does not match the body');
  const challenge = urlVerificationChallenge(request.rawBody);
  return challenge === null ? { ok: true } : { ok: false, respond: respond(200, challenge) };
}

function urlVerificationChallenge(rawBody: string): string | null {
  try {
    const body = JSON.parse(rawBody) as { type?: unknown; challenge?: unknown };
    return body.type === 'url_verification' && typeof body.challenge === 'string' ? body.challenge : null;
  } catch {
    return null;
  }
}
