import { createHmac } from 'node:crypto';
import { startRecorder, type Recorder } from './http-recorder.js';

/**
 * A fake Slack Web API: `chat.postMessage` answers `{ok: true, ts}`, `auth.test` the team T0001,
 * `conversations.open` a DM channel D-{user}, `views.open` the opened view (id V-{n}); a response_url (any `/commands/` or `/actions/` path) answers `ok`.
 */
export function startFakeSlack(): Promise<Recorder> {
  return startRecorder((request, n) => {
    if (request.path.endsWith('/chat.postMessage')) return { body: { ok: true, channel: request.body.channel, ts: `1700000999.${String(n).padStart(6, '0')}` } };
    if (request.path.endsWith('/auth.test')) return { body: { ok: true, team_id: 'T0001', user_id: 'UBOT', bot_id: 'B0001' } };
    if (request.path.endsWith('/views.open')) return { body: { ok: true, view: { ...(request.body.view as object), id: `V${n}` } } };
    if (request.path.endsWith('/conversations.open')) return { body: { ok: true, channel: { id: `D${String(request.body.users)}` } } };
    if (request.path.includes('/commands/') || request.path.includes('/actions/')) return { body: 'ok' };
    return { status: 404, body: { ok: false, error: 'unknown_method' } };
  });
}

/** The headers Slack signs a request with (v0 scheme) at `nowMs`. */
export function signSlack(signingSecret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature };
}
