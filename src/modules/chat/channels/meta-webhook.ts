import { parseUntrustedJson } from '../../../shared/safe-input.js';
import type { WebhookRequest } from '../contract.js';
import { refuse, respond, type Verification } from './define-channel.js';
import { hmacHex, safeEqual } from './signatures.js';

/**
 * What WhatsApp Cloud API and Messenger share: the GET subscription handshake (`hub.mode`,
 * `hub.verify_token`, `hub.challenge`) and `X-Hub-Signature-256`, an HMAC-SHA256 of the raw body
 * under the app secret.
 */
export function verifyMeta(request: WebhookRequest, secrets: { appSecret: string; verifyToken: string }): Verification {
  if (request.method === 'GET') {
    const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = request.query;
    if (mode === 'subscribe' && token !== undefined && challenge !== undefined && safeEqual(token, secrets.verifyToken)) {
      return { ok: false, respond: respond(200, challenge) };
    }
    return refuse(403, 'verification failed: hub.verify_token does not match the channel settings');
  }
  const header = request.headers['x-hub-signature-256'];
  if (!header?.startsWith('sha256=')) return refuse(401, 'missing X-Hub-Signature-256');
  const expected = `sha256=${hmacHex('sha256', secrets.appSecret, request.rawBody)}`;
  return safeEqual(header, expected) ? { ok: true } : refuse(401, 'X-Hub-Signature-256 does not match the body');
}

/** Checked like every JSON body the API takes (no NUL, no deep nesting), after the signature. */
export const parseJsonBody = (request: WebhookRequest): unknown => parseUntrustedJson(request.rawBody, 'webhook body');

export const unixToIso = (seconds: string | number): string => new Date(Number(seconds) * (Number(seconds) > 1e11 ? 1 : 1000)).toISOString();

/** Graph API errors carry `{error: {message, code}}`; keep the message for the outbox. */
export function graphError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error?: { message?: unknown } }).error;
  return typeof error?.message === 'string' ? error.message : undefined;
}

export const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
