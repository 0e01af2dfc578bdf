import type { InboundTurn, TurnResult } from '../engine/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { ChannelRoutes } from './channel-routes.js';
import { modalAsPlain } from './channels/degrade.js';
import type { Turns } from './turns.js';

/**
 * Web chat: the page's origin is checked against `web.allowedOrigins`, and each message carries
 * a client id. The id is the turn's message id, so a resend (after a dropped socket, a retried
 * POST) waits for the conversation's lock and gets the stored answer instead of a second turn.
 */
export function createWebchat(deps: { configs: ChannelConfigs; routes: ChannelRoutes; turns: Turns }) {
  return {
    async originAllowed(tenantId: string, origin: string | undefined): Promise<boolean> {
      const web = await deps.configs.settings(tenantId, 'web');
      if (web && !web.enabled) return false;
      const allowed = (web?.config.allowedOrigins as string[] | undefined) ?? [];
      if (allowed.length === 0) return true;
      return origin !== undefined && allowed.includes(origin);
    },

    async turn(tenantId: string, conversationId: string, session: { widgetKey: string; clientId: string }, message: InboundTurn): Promise<TurnResult> {
      const flowId = await deps.routes.resolve(tenantId, 'web', [session.widgetKey]);
      const routed = flowId ? { ...message, flowId } : message;
      const result = await deps.turns.run(tenantId, conversationId, { ...routed, id: session.clientId }, { channel: 'web', address: {}, externalId: session.clientId });
      // The widget has no forms: a modal reaches it as text (and a lone select's options as quick replies).
      return { ...result, replies: result.replies.map(modalAsPlain) };
    },
  };
}
