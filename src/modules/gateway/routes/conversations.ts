import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import type { Chat } from '../../chat/contract.js';
import { conversationIdSchema, type Engine, inboundTurnSchema } from '../../engine/contract.js';
import { tenantOf } from '../auth.js';
import { parseInput } from '../parse-input.js';

const params = z.object({ conversationId: conversationIdSchema });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function conversationRoutes(app: FastifyInstance, deps: { chat: Chat; engine: Engine }): void {
  app.post('/conversations/:conversationId/messages', async (request) => {
    const { conversationId } = parseInput(params, request.params, 'conversation id');
    const message = parseInput(inboundTurnSchema, request.body, 'message');
    return deps.chat.handleMessage(tenantOf(request), conversationId, message);
  });

  app.get('/conversations/:conversationId', async (request) => {
    const tenantId = tenantOf(request);
    const { conversationId } = parseInput(params, request.params, 'conversation id');
    const [summary, state] = await Promise.all([
      deps.chat.getConversation(tenantId, conversationId),
      deps.engine.getConversation(tenantId, conversationId),
    ]);
    if (!summary) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
    return { ...summary, ...(state ?? {}) };
  });

  app.get('/conversations/:conversationId/messages', async (request) => {
    const tenantId = tenantOf(request);
    const { conversationId } = parseInput(params, request.params, 'conversation id');
    const { limit } = parseInput(listQuery, request.query, 'query');
    const summary = await deps.chat.getConversation(tenantId, conversationId);
    if (!summary) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
    return { messages: await deps.chat.listMessages(tenantId, conversationId, { limit }) };
  });
}
