/**
 * What a user may send besides text: media and files, a shared location, and the values of a
 * submitted form (a Slack modal). Channels turn their platform's shapes into these; flows read
 * them as `message.attachments`, `message.location` and `message.form`.
 */
import { z } from 'zod';

export const ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file', 'sticker'] as const;

export const attachmentSchema = z.strictObject({
  type: z.enum(ATTACHMENT_TYPES),
  /** Where to fetch it, when the platform gives a URL (Messenger); WhatsApp gives a media id instead. */
  url: z.url().max(2000).optional(),
  /** The platform's media id (WhatsApp), to fetch it through the platform's API. */
  id: z.string().min(1).max(200).optional(),
  mimeType: z.string().max(200).optional(),
  filename: z.string().max(500).optional(),
  caption: z.string().max(4000).optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const locationSchema = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(500).optional(),
  address: z.string().max(1000).optional(),
});
export type Location = z.infer<typeof locationSchema>;

/** A submitted form: field name → value (a multi-select's values joined by commas). */
export const formSchema = z.record(z.string().min(1).max(255), z.string().max(3000)).refine((f) => Object.keys(f).length <= 50, 'a form has at most 50 fields');
export type FormValues = z.infer<typeof formSchema>;

/** The optional non-text parts of a message, as `InboundTurn` and the flow's `message` carry them. */
export interface MessageContent {
  attachments?: Attachment[];
  location?: Location;
  form?: FormValues;
}
