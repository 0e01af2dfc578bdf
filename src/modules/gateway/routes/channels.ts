import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import {
  type ChannelConfigView,
  channelConfigInputSchema,
  channelConfigViewSchema,
  channelIdSchema,
  channelKindInfoSchema,
  type Chat,
  OUTBOX_STATUSES,
  outboxEntrySchema,
  type WebhookRequest,
} from '../../chat/contract.js';
import { type Security, tenantSlugSchema } from '../../security/contract.js';
import type { Api } from '../api.js';
import { listOf, noContent, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['channels'];
const channelParams = z.object({ channel: channelIdSchema });
const webhookParams = z.object({ tenantSlug: tenantSlugSchema, channel: channelIdSchema });
const outboxQuery = z.object({ status: z.enum(OUTBOX_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const outboxParams = z.object({ outboxId: z.uuid() });
const channelView = responses({ 200: channelConfigViewSchema });
const widgetEmbedSchema = z.object({ widgetKey: z.string(), scriptUrl: z.string(), snippet: z.string() }).meta({ id: 'WidgetEmbed' });
/** Whatever the platform expects back (text, XML or JSON), as the channel wrote it. */
const webhookAnswer = responses({ 200: z.string() });

const flatten = (values: Record<string, string | string[] | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));

function toWebhookRequest(request: FastifyRequest): WebhookRequest {
  const body = request.body;
  return {
    method: request.method === 'GET' ? 'GET' : 'POST',
    url: `${request.protocol}://${request.host}${request.url}`,
    query: flatten(request.query as Record<string, string | string[] | undefined>),
    headers: flatten(request.headers),
    rawBody: Buffer.isBuffer(body) ? body.toString('utf8') : '',
  };
}

/**
 * Platform webhooks authenticate by their signature, over the exact bytes received: in this
 * scope every body stays a raw Buffer (the rest of the API keeps its JSON and YAML parsers).
 */
function webhookRoutes(app: Api, deps: { chat: Chat; security: Security }): void {
  void app.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const handler = async (request: FastifyRequest<{ Params: z.infer<typeof webhookParams> }>, reply: FastifyReply) => {
      const { tenantSlug, channel } = request.params;
      const tenant = await deps.security.getTenantBySlug(tenantSlug);
      if (!tenant || tenant.status !== 'active') throw new AppError('not_found', `No active workspace '${tenantSlug}'.`);
      const result = await deps.chat.receiveWebhook(tenant.id, channel, toWebhookRequest(request));
      return reply.status(result.status).type(result.contentType).send(result.body);
    };
    // Platforms send from a few addresses and sign every call: they get the higher webhook limit per address.
    const options = { config: { permission: 'public' as const, rateLimit: 'webhook' as const }, schema: { tags, params: webhookParams, response: webhookAnswer } };
    scope.get('/channels/:tenantSlug/:channel', { ...options, schema: { ...options.schema, summary: 'Webhook subscription handshake (Meta)' } }, handler);
    scope.post('/channels/:tenantSlug/:channel', { ...options, schema: { ...options.schema, summary: 'Platform webhook (signed by the platform)' } }, handler);
  });
}

/** The chat module names webhooks by a `{tenantSlug}` placeholder; the gateway, which serves them, fills it in. */
async function withWebhookUrls(security: Security, tenantId: string, views: ChannelConfigView[]): Promise<ChannelConfigView[]> {
  if (!views.some((v) => v.webhookPath?.includes('{tenantSlug}'))) return views;
  const tenant = await security.getTenant(tenantId);
  if (!tenant) throw new AppError('not_found', 'This workspace no longer exists.');
  return views.map((v) => ({ ...v, webhookPath: v.webhookPath?.replace('{tenantSlug}', encodeURIComponent(tenant.slug)) ?? null }));
}

/**
 * The web chat's widget key and the tags that embed it. The key is public once on a page, but it
 * names the workspace: only those who manage channels (and so decide where the chat may appear) read it.
 */
function widgetKeyRoute(app: Api, deps: { security: Security }): void {
  app.get(
    '/channels/web/widget',
    { config: { permission: 'channels:write' }, schema: { summary: 'The web chat widget key and the HTML snippet that embeds it', tags, response: responses({ 200: widgetEmbedSchema }) } },
    async (request) => {
      const tenant = await deps.security.getTenant(tenantOf(request));
      if (!tenant) throw new AppError('not_found', 'This workspace no longer exists.');
      const origin = `${request.protocol}://${request.host}`;
      return {
        widgetKey: tenant.widgetKey,
        scriptUrl: `${origin}/widget.js`,
        snippet: `<script src="${origin}/widget.js" defer></script>\n<mcp-chat widget-key="${tenant.widgetKey}"></mcp-chat>`,
      };
    },
  );
}

export function channelRoutes(app: Api, deps: { chat: Chat; security: Security }): void {
  widgetKeyRoute(app, deps);
  // Static data: whoever reads conversations may see which channels a conversation can come from.
  app.get(
    '/channels/kinds',
    { config: { permission: ['channels:read', 'conversations:read'] }, schema: { summary: 'Channel kinds with the JSON Schema of their settings', tags, response: responses({ 200: listOf('kinds', channelKindInfoSchema) }) } },
    async () => ({ kinds: deps.chat.listChannelKinds() }),
  );

  app.get('/channels', { config: { permission: 'channels:read' }, schema: { summary: 'The workspace’s channels (no secrets)', tags, response: responses({ 200: listOf('channels', channelConfigViewSchema) }) } }, async (request) => ({
    channels: await withWebhookUrls(deps.security, tenantOf(request), await deps.chat.listChannels(tenantOf(request))),
  }));

  app.get(
    '/channels/outbox',
    { config: { permission: 'channels:read' }, schema: { summary: 'Outbound sends (e.g. ?status=dead for the dead letters)', tags, querystring: outboxQuery, response: responses({ 200: listOf('entries', outboxEntrySchema) }) } },
    async (request) => ({ entries: await deps.chat.listOutbox(tenantOf(request), request.query) }),
  );

  app.post(
    '/channels/outbox/:outboxId/retry',
    { config: { permission: 'channels:write' }, schema: { summary: 'Send a dead (or waiting) entry again now', tags, params: outboxParams, response: responses({ 200: outboxEntrySchema }) } },
    async (request) => deps.chat.retryOutbox(tenantOf(request), request.params.outboxId),
  );

  app.get('/channels/:channel', { config: { permission: 'channels:read' }, schema: { summary: 'One channel’s settings (no secrets)', tags, params: channelParams, response: channelView } }, async (request) =>
    (await withWebhookUrls(deps.security, tenantOf(request), [await deps.chat.getChannel(tenantOf(request), request.params.channel)]))[0],
  );

  app.put(
    '/channels/:channel',
    {
      config: { permission: 'channels:write', audit: 'channel.update' },
      schema: { summary: 'Configure a channel; credentials left out keep their stored values', tags, params: channelParams, body: channelConfigInputSchema, response: channelView },
    },
    async (request) => (await withWebhookUrls(deps.security, tenantOf(request), [await deps.chat.putChannel(tenantOf(request), request.params.channel, request.body)]))[0],
  );

  app.delete('/channels/:channel', { config: { permission: 'channels:write', audit: 'channel.delete' }, schema: { summary: 'Remove a channel', tags, params: channelParams, response: responses({ 204: noContent }) } }, async (request, reply) => {
    await deps.chat.deleteChannel(tenantOf(request), request.params.channel);
    return reply.status(204).send(null);
  });

  webhookRoutes(app, deps);
}
