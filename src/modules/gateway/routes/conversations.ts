import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import { type Chat, conversationListQuerySchema, conversationSummarySchema, storedMessageSchema } from '../../chat/contract.js';
import {
  conversationIdSchema,
  conversationStateSchema,
  inboundTurnSchema,
  messageIdSchema,
  replySchema,
  turnResultSchema,
  turnTraceSchema,
  type TurnService,
} from '../../engine/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';
import { principalOf, tenantOf } from '../auth.js';

const params = z.object({ conversationId: conversationIdSchema });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const traceQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const tags = ['conversations'];
/** A conversation as chat lists it, with the engine's state of its flow once it has one (`status` is then the engine's). */
const conversationSchema = conversationSummarySchema.extend({ ...conversationStateSchema.partial().shape, status: z.string() }).meta({ id: 'Conversation' });

/** Who an agent is, as assignment records it: `user:<id>` for a person signed in, `key:<id>` for an API key. */
function agentOf(principal: ReturnType<typeof principalOf>): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'api_key':
      return `key:${principal.keyId}`;
    case 'platform':
      return 'platform';
  }
}

/** The client's message id, from the body or the Idempotency-Key header (Stripe's name for it); they must agree. */
function messageIdOf(bodyId: string | undefined, header: string | string[] | undefined): string | undefined {
  if (header === undefined) return bodyId;
  const parsed = messageIdSchema.safeParse(header);
  if (!parsed.success) throw new AppError('bad_request', 'The Idempotency-Key header must be 1–100 printable ASCII characters without spaces.');
  if (bodyId !== undefined && bodyId !== parsed.data) throw new AppError('bad_request', 'The body `id` and the Idempotency-Key header differ; send one of them.');
  return parsed.data;
}

export function conversationRoutes(app: Api, deps: { chat: Chat; turns: TurnService }): void {
  app.get(
    '/conversations',
    { config: { permission: 'conversations:read' }, schema: { summary: 'Conversations, most recent first: ?status, channel, q (id or text), from, to', tags, querystring: conversationListQuerySchema, response: responses({ 200: listOf('conversations', conversationSummarySchema) }) } },
    async (request) => ({ conversations: await deps.chat.listConversations(tenantOf(request), request.query) }),
  );

  app.post(
    '/conversations/:conversationId/agent-reply',
    {
      config: { permission: 'handoff:reply', audit: 'conversation.agent_reply' },
      schema: { summary: 'Reply as a person in a handed-off conversation (delivered on its channel)', tags, params, body: z.object({ text: z.string().min(1).max(4000) }), response: responses({ 201: storedMessageSchema }) },
    },
    // Whoever replies first takes a conversation nobody has yet, so the bot's waiting messages stop.
    async (request, reply) =>
      reply.status(201).send(await deps.chat.sendAgentReply(tenantOf(request), request.params.conversationId, request.body.text, agentOf(principalOf(request)))),
  );

  app.post(
    '/conversations/:conversationId/assign',
    {
      config: { permission: 'handoff:reply', audit: 'conversation.assign' },
      schema: {
        summary: 'Give a handed-off conversation to an agent (`agent`: who; omitted = the caller; null = nobody). While an agent has it, the bot sends no waiting messages and does not time out.',
        tags,
        params,
        body: z.object({ agent: z.string().trim().min(1).max(200).nullable().optional() }).default({}),
        response: responses({ 200: conversationSummarySchema }),
      },
    },
    async (request) => {
      const agent = request.body.agent === undefined ? agentOf(principalOf(request)) : request.body.agent;
      return deps.chat.assignConversation(tenantOf(request), request.params.conversationId, agent);
    },
  );

  app.post(
    '/conversations/:conversationId/hand-back',
    {
      config: { permission: 'handoff:reply', audit: 'conversation.hand_back' },
      schema: { summary: 'End the handoff: the flow resumes where it was (the handoff state’s next, else the question the user was at); returns and sends what the bot says', tags, params, response: responses({ 200: conversationSummarySchema.extend({ replies: z.array(replySchema) }) }) },
    },
    // Chat hands back in the engine too, so the flow resumes and the bot answers again.
    async (request) => deps.chat.handBack(tenantOf(request), request.params.conversationId),
  );

  app.post(
    '/conversations/:conversationId/messages',
    {
      config: { permission: 'conversations:write' },
      schema: {
        summary: 'Send a message; returns the bot’s replies. A message `id` (or an Idempotency-Key header) makes retries safe: the same id gets the same stored result, never a second turn.',
        tags,
        params,
        body: inboundTurnSchema,
        response: responses({ 200: turnResultSchema }),
      },
    },
    async (request) => {
      const id = messageIdOf(request.body.id, request.headers['idempotency-key']);
      return deps.chat.handleMessage(tenantOf(request), request.params.conversationId, id ? { ...request.body, id } : request.body);
    },
  );

  app.get(
    '/conversations/:conversationId',
    { config: { permission: 'conversations:read' }, schema: { summary: 'A conversation: state, slots, vars', tags, params, response: responses({ 200: conversationSchema }) } },
    async (request) => {
      const tenantId = tenantOf(request);
      const { conversationId } = request.params;
      const [summary, state] = await Promise.all([
        deps.chat.getConversation(tenantId, conversationId),
        deps.turns.getConversation(tenantId, conversationId),
      ]);
      if (!summary) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
      return { ...summary, ...(state ?? {}) };
    },
  );

  app.get(
    '/conversations/:conversationId/messages',
    { config: { permission: 'conversations:read' }, schema: { summary: 'A conversation’s messages, oldest first', tags, params, querystring: listQuery, response: responses({ 200: listOf('messages', storedMessageSchema) }) } },
    async (request) => {
      const tenantId = tenantOf(request);
      const { conversationId } = request.params;
      const summary = await deps.chat.getConversation(tenantId, conversationId);
      if (!summary) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
      return { messages: await deps.chat.listMessages(tenantId, conversationId, { limit: request.query.limit }) };
    },
  );

  app.get(
    '/conversations/:conversationId/trace',
    { config: { permission: 'conversations:read' }, schema: { summary: 'Per-turn traces: states, intents, slots, calls, errors', tags, params, querystring: traceQuery, response: responses({ 200: listOf('turns', turnTraceSchema) }) } },
    async (request) => {
      const tenantId = tenantOf(request);
      const { conversationId } = request.params;
      const turns = await deps.turns.getTrace(tenantId, conversationId, request.query.limit);
      if (turns.length === 0 && !(await deps.chat.getConversation(tenantId, conversationId))) {
        throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
      }
      return { turns };
    },
  );

  app.post(
    '/conversations/:conversationId/reset',
    { config: { permission: 'conversations:reset', audit: 'conversation.reset' }, schema: { summary: 'Forget the flow context: the next message starts the default flow afresh', tags, params, response: responses({ 200: z.object({ reset: z.boolean() }) }) } },
    async (request) => {
      await deps.turns.resetConversation(tenantOf(request), request.params.conversationId);
      return { reset: true };
    },
  );
}
