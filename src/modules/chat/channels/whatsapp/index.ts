import { z } from 'zod';
import { defineChannel } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { graphError, parseJsonBody, verifyMeta } from '../meta-webhook.js';
import { parseWhatsApp } from './inbound.js';
import { renderWhatsApp, WHATSAPP_LIMITS } from './render.js';

const configSchema = z.object({
  phoneNumberId: z.string().min(1).describe('The WhatsApp Business phone number id'),
  accessToken: z.string().min(1).describe('A system user access token with whatsapp_business_messaging'),
  appSecret: z.string().min(1).describe('The Meta app secret (checks X-Hub-Signature-256)'),
  verifyToken: z.string().min(1).describe('Any string; enter the same one in the Meta webhook settings'),
  graphApiBaseUrl: z.url().default('https://graph.facebook.com'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  listButtonLabel: z.string().min(1).max(20).default('Choose'),
});

const messageIdOf = (body: unknown): string | null => {
  const id = (body as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
  return typeof id === 'string' ? id : null;
};

/** WhatsApp Cloud API: webhooks from Meta, replies through the Graph API. */
export const whatsappChannel = defineChannel({
  id: 'whatsapp',
  configSchema,
  secretFields: ['accessToken', 'appSecret', 'verifyToken'],
  baseUrlFields: ['graphApiBaseUrl'],
  capabilities: { webhook: 'async', buttons: WHATSAPP_LIMITS.buttons, quickReplies: WHATSAPP_LIMITS.listRows, maxTextLength: WHATSAPP_LIMITS.text },
  create(caps, config) {
    const url = `${config.graphApiBaseUrl.replace(/\/$/, '')}/${config.graphApiVersion}/${encodeURIComponent(config.phoneNumberId)}/messages`;
    return {
      verify: (request) => verifyMeta(request, config),
      parseInbound: (request) => parseWhatsApp(parseJsonBody(request)),
      render: (reply, address) => renderWhatsApp(reply, address, config.listButtonLabel),
      async send(payload) {
        const result = await caps.post(url, {
          headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        return result.ok ? { ok: true, externalId: messageIdOf(result.body) } : failedSend(result, graphError(result.body));
      },
    };
  },
});
