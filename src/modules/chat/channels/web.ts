import { z } from 'zod';
import { defineChannel, refuse } from './define-channel.js';

const origin = z.url().transform((u) => new URL(u).origin);

const configSchema = z.object({
  /** Pages allowed to open the widget (`https://shop.example.com`); empty allows any page. */
  allowedOrigins: z.array(origin).max(50).default([]),
});

/**
 * Web chat: the widget talks to the gateway's socket (or its HTTP fallback) and gets the replies
 * in the answer, so there is no webhook and nothing to send later.
 */
export const webChannel = defineChannel({
  id: 'web',
  configSchema,
  secretsSchema: z.object({}),
  baseUrlFields: [],
  capabilities: { webhook: 'none', buttons: 10, quickReplies: 10, maxTextLength: 4000 },
  // The web chat's account is the workspace's widget key (`GET /v1/channels/web/widget`).
  account: { name: 'widget key', pattern: /^[A-Za-z0-9_-]{1,200}$/, example: 'wk_3f9a…' },
  create: () => ({
    verify: () => refuse(404, 'web chat has no webhook; use /v1/webchat'),
    parseInbound: () => [],
    render: () => [],
    send: async () => ({ ok: false, retryable: false, error: 'web chat replies are returned to the page; there is nothing to push' }),
  }),
});
