import { z } from 'zod';
import { type Chat, channelIdSchema, channelRouteInputSchema, channelRouteSchema } from '../../chat/contract.js';
import type { Api } from '../api.js';
import { listOf, noContent, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['channels'];
const channelParams = z.object({ channel: channelIdSchema });
const routeParams = z.object({ channel: channelIdSchema, account: z.string().min(1).max(200) });

/** Several bots per workspace: which flow each channel account's new conversations start. */
export function channelRoutingRoutes(app: Api, deps: { chat: Chat }): void {
  app.get(
    '/channels/:channel/routes',
    { config: { permission: 'channels:read' }, schema: { summary: 'The channel’s accounts routed to flows', tags, params: channelParams, response: responses({ 200: listOf('routes', channelRouteSchema) }) } },
    async (request) => ({ routes: await deps.chat.listRoutes(tenantOf(request), request.params.channel) }),
  );

  app.put(
    '/channels/:channel/routes/:account',
    {
      config: { permission: 'channels:write', audit: 'channel.route' },
      schema: { summary: 'Route a channel account (phone number id, page id, Slack app/team id, number, widget key) to a published flow', tags, params: routeParams, body: channelRouteInputSchema, response: responses({ 200: channelRouteSchema }) },
    },
    async (request) => deps.chat.putRoute(tenantOf(request), request.params.channel, request.params.account, request.body),
  );

  app.delete(
    '/channels/:channel/routes/:account',
    { config: { permission: 'channels:write', audit: 'channel.route' }, schema: { summary: 'Remove a route (the account falls back to the default flow)', tags, params: routeParams, response: responses({ 204: noContent }) } },
    async (request, reply) => {
      await deps.chat.deleteRoute(tenantOf(request), request.params.channel, request.params.account);
      return reply.status(204).send(null);
    },
  );
}
