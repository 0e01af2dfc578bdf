import { z } from 'zod';
import { type Attachment, locationSchema } from '../../../engine/contract.js';
import type { InboundEvent, InboundMessage } from '../define-channel.js';
import { unixToIso } from '../meta-webhook.js';

/** The parts of a WhatsApp Cloud API webhook we read; everything else is ignored. */
const media = z.object({ id: z.string(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });

const message = z.object({
  from: z.string(),
  id: z.string(),
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  button: z.object({ payload: z.string(), text: z.string() }).optional(),
  image: media.optional(),
  video: media.optional(),
  audio: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
});

const status = z.object({
  id: z.string(),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.string(),
  errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

const webhook = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      changes: z.array(
        z.object({
          field: z.string(),
          value: z.object({
            metadata: z.object({ phone_number_id: z.string() }),
            contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() })).optional(),
            messages: z.array(z.unknown()).optional(),
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});

type WaMessage = z.infer<typeof message>;

const MEDIA_TYPES = { image: 'image', video: 'video', audio: 'audio', document: 'file', sticker: 'sticker' } as const;
type MediaKey = keyof typeof MEDIA_TYPES;

/** Media arrive as ids (fetched through the Graph API with the channel's token), never as URLs. */
function attachmentOf(m: WaMessage): Attachment | null {
  if (!(m.type in MEDIA_TYPES)) return null;
  const item = m[m.type as MediaKey];
  if (!item) return null;
  return {
    type: MEDIA_TYPES[m.type as MediaKey],
    id: item.id,
    ...(item.mime_type ? { mimeType: item.mime_type } : {}),
    ...(item.filename ? { filename: item.filename } : {}),
    ...(item.caption ? { caption: item.caption } : {}),
  };
}

type Content = Pick<InboundMessage, 'text' | 'payload' | 'attachments' | 'location'>;

/** Text, a postback (reply button, list row, template quick reply), media or a location. */
function content(m: WaMessage): Content | null {
  if (m.type === 'text' && m.text) return { text: m.text.body };
  const choice = m.interactive?.button_reply ?? m.interactive?.list_reply;
  if (m.type === 'interactive' && choice) return { text: choice.title, payload: choice.id };
  if (m.type === 'button' && m.button) return { text: m.button.text, payload: m.button.payload };
  const attachment = attachmentOf(m);
  if (attachment) return { ...(attachment.caption ? { text: attachment.caption } : {}), attachments: [attachment] };
  if (m.type === 'location' && m.location) {
    const { latitude, longitude, name, address } = m.location;
    const location = locationSchema.safeParse({ latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) });
    return location.success ? { location: location.data } : null;
  }
  return null;
}

/** Pure: a webhook body → user messages and delivery statuses. Unknown shapes yield nothing. */
export function parseWhatsApp(body: unknown): InboundEvent[] {
  const parsed = webhook.safeParse(body);
  if (!parsed.success) return [];
  const events: InboundEvent[] = [];
  for (const change of parsed.data.entry.flatMap((e) => e.changes)) {
    if (change.field !== 'messages') continue;
    const { value } = change;
    const phoneNumberId = value.metadata.phone_number_id;
    for (const raw of value.messages ?? []) {
      const m = message.safeParse(raw);
      const body = m.success ? content(m.data) : null;
      if (!m.success || !body) continue;
      const name = value.contacts?.find((c) => c.wa_id === m.data.from)?.profile?.name;
      events.push({
        kind: 'message',
        externalId: m.data.id,
        conversationKey: `${phoneNumberId}:${m.data.from}`,
        userId: m.data.from,
        ...(name ? { userName: name } : {}),
        ...body,
        // Replies go out from the number the user wrote to: one workspace may have several.
        address: { to: m.data.from, phoneNumberId },
        accounts: [phoneNumberId],
      });
    }
    for (const raw of value.statuses ?? []) {
      const s = status.safeParse(raw);
      if (!s.success) continue;
      const error = s.data.errors?.map((e) => `${e.code ?? ''} ${e.title ?? ''}`.trim()).join('; ');
      events.push({ kind: 'status', status: s.data.status, at: unixToIso(s.data.timestamp), externalIds: [s.data.id], ...(error ? { error } : {}) });
    }
  }
  return events;
}
