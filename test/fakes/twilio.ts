import { createHmac } from 'node:crypto';
import { startRecorder, type Recorder } from './http-recorder.js';

/** A fake Twilio REST API: updating a call (`POST …/Calls/{sid}.json`) answers the call resource; creating one (`POST …/Calls.json`) a new queued call. */
export function startFakeTwilio(): Promise<Recorder> {
  return startRecorder((request, n) => {
    if (/\/Calls\.json$/.test(request.path)) return { status: 201, body: { sid: `CA${String(n).padStart(32, 'f')}`, status: 'queued', to: request.body.To, from: request.body.From } };
    const sid = /Calls\/([^/.]+)\.json/.exec(request.path)?.[1];
    return sid ? { body: { sid, status: 'in-progress' } } : { status: 404, body: { code: 20404, message: 'not found' } };
  });
}

/** What Twilio sends in X-Twilio-Signature: HMAC-SHA1 of the URL plus the sorted POST parameters. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return createHmac('sha1', authToken).update(data).digest('base64');
}
