import { createHmac } from 'node:crypto';
import { startRecorder, type Recorder } from './http-recorder.js';

/**
 * A fake Graph API: `POST /{version}/{phone number id}/messages` answers like WhatsApp Cloud API
 * (`messages[0].id` = wamid…), `POST /{version}/me/messages` like the Messenger Send API.
 */
export function startFakeMeta(): Promise<Recorder> {
  return startRecorder((request, n) =>
    request.path.includes('/me/messages')
      ? { body: { recipient_id: 'psid', message_id: `m_fake_${n}` } }
      : { body: { messaging_product: 'whatsapp', contacts: [{ input: 'x', wa_id: 'x' }], messages: [{ id: `wamid.fake_${n}` }] } },
  );
}

/** What Meta sends in X-Hub-Signature-256 for a body. */
export const signMeta = (appSecret: string, body: string): string => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
