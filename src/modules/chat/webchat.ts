import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../shared/app-error.js';
import type { InboundTurn, TurnResult } from '../engine/contract.js';
import type { Kv } from '../storage/contract.js';
import type { ChannelConfigs } from './channel-configs.js';
import type { Turns } from './turns.js';

const PENDING = 'pending';
const POLL_MS = 50;

/**
 * Web chat: the page's origin is checked against `web.allowedOrigins`, and each message carries
 * a client id so that a resend (after a dropped socket, a retried POST) gets the first answer
 * instead of running the turn twice.
 */
export function createWebchat(deps: { kv: Kv; configs: ChannelConfigs; turns: Turns; rememberMs: number; waitMs: number }) {
  const { kv } = deps;
  return {
    async originAllowed(tenantId: string, origin: string | undefined): Promise<boolean> {
      const web = await deps.configs.settings(tenantId, 'web');
      if (web && !web.enabled) return false;
      const allowed = (web?.config.allowedOrigins as string[] | undefined) ?? [];
      if (allowed.length === 0) return true;
      return origin !== undefined && allowed.includes(origin);
    },

    async turn(tenantId: string, conversationId: string, clientId: string, message: InboundTurn): Promise<TurnResult> {
      const key = `webchat:${tenantId}:${conversationId}:${clientId}`;
      if (await kv.set(key, PENDING, { ttlMs: deps.rememberMs, ifAbsent: true })) {
        try {
          const result = await deps.turns.run(tenantId, conversationId, message, { channel: 'web', address: {}, externalId: clientId });
          await kv.set(key, JSON.stringify(result), { ttlMs: deps.rememberMs });
          return result;
        } catch (error) {
          // The message may be sent again: a failed turn leaves nothing to replay.
          await kv.del(key);
          throw error;
        }
      }
      // A resend: wait for the first copy's answer while it is still being processed.
      for (let waited = 0; waited <= deps.waitMs; waited += POLL_MS) {
        const value = await kv.get(key);
        if (value === null) break;
        if (value !== PENDING) return JSON.parse(value) as TurnResult;
        await sleep(POLL_MS);
      }
      throw new AppError('conversation_busy', `Message '${clientId}' is still being processed; send it again in a moment.`);
    },
  };
}
