import { createHmac } from 'node:crypto';
import { startRecorder, type Recorder } from './http-recorder.js';

/** A fake Slack Web API: `POST /chat.postMessage` answers `{ok: true, ts}`. */
export function startFakeSlack(): Promise<Recorder> {
  return startRecorder((request, n) =>
    request.path.endsWith('/chat.postMessage') ? { body: { ok: true, channel: request.body.channel, ts: `1700000999.${String(n).padStart(6, '0')}` } } : { status: 404, body: { ok: false, error: 'unknown_method' } },
  );
}

/** The headers Slack signs a request with (v0 scheme) at `nowMs`. */
export function signSlack(signingSecret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature };
}
