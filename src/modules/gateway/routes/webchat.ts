import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError, isAppError } from '../../../shared/app-error.js';
import { parseUntrustedJson } from '../../../shared/safe-input.js';
import { type Chat, storedMessageSchema, webchatMessageSchema } from '../../chat/contract.js';
import { inboundTurnSchema, turnResultSchema } from '../../engine/contract.js';
import type { Security, Tenant } from '../../security/contract.js';
import type { Api } from '../api.js';
import { errorResponseSchema, listOf, responses } from '../responses.js';
import { parseInput } from '../parse-input.js';

const connectQuery = webchatMessageSchema.pick({ key: true, conversation: true });
const HEARTBEAT_MS = 30_000;
const historyQuery = connectQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** What the page sends: one message, with a client id so that the page can match the answer (and resend safely). */
const frameSchema = z
  .object({
    type: z.literal('message'),
    id: z.string().min(1).max(100),
    text: z.string().optional(),
    payload: z.string().optional(),
  })
  .meta({ id: 'WebchatClientFrame' });

/**
 * What the server sends on the socket: the message was received (`ack`), the bot's answer to it, or
 * why it failed. Named in the OpenAPI document's components, where the widget's types come from.
 */
export const serverFrameSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('ack'), id: z.string() }),
    turnResultSchema.extend({ type: z.literal('reply'), id: z.string() }),
    z.object({ type: z.literal('error'), id: z.string().optional(), error: errorResponseSchema.shape.error }),
  ])
  .meta({ id: 'WebchatServerFrame' });

/** The HTTP fallback takes JSON, also sent as text/plain so that browsers need no CORS preflight. */
const fallbackBody = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** The answer to one message: the page's id with the turn's result. */
const webchatAnswer = turnResultSchema.extend({ id: z.string() });
/** A message of the conversation as the page shows it: who wrote it, and the bot's or an agent's reply. */
const webchatMessage = storedMessageSchema.pick({ id: true, direction: true, text: true, reply: true, createdAt: true }).extend({ author: z.enum(['user', 'bot', 'agent']) });

function send(socket: WebSocket, frame: z.infer<typeof serverFrameSchema>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof SyntaxError) return new AppError('invalid_json', 'A message must be a JSON object.');
  return new AppError('internal', 'Something went wrong on our side; the error was logged.');
}

/**
 * Web chat: over WebSocket (`/v1/webchat?key=<widget key>&conversation=<id>`) or, where sockets
 * are blocked, over HTTP (`POST /v1/webchat/messages`, `GET /v1/webchat/messages` for history).
 * The widget presents the tenant's public widget key, not an API key; the page's Origin must be
 * one of the tenant's `web.allowedOrigins` when any are configured.
 */
export function webchatRoutes(app: Api, deps: { chat: Chat; security: Security }): void {
  async function admit(key: string, origin: string | undefined): Promise<Tenant> {
    const tenant = await deps.security.getTenantByWidgetKey(key);
    if (!tenant) throw new AppError('unauthorized', 'Unknown widget key.');
    if (!(await deps.chat.webOriginAllowed(tenant.id, origin))) {
      throw new AppError('forbidden', `This page's origin (${origin ?? 'none'}) may not use this web chat; add it to the web channel's allowedOrigins.`);
    }
    return tenant;
  }

  /** Lets the allowed page read the answer (the origin was checked in `admit`). */
  const allowOrigin = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.origin) reply.header('access-control-allow-origin', request.headers.origin).header('vary', 'Origin');
  };

  app.get('/webchat', { websocket: true, config: { permission: 'public' }, schema: { hide: true } }, (socket, request) => {
    // Listen at once: frames the page sends right after connecting wait for the admission check.
    const admission = (async (): Promise<{ tenant: Tenant; conversation: string } | null> => {
      const query = connectQuery.safeParse(request.query);
      try {
        if (!query.success) throw new AppError('unauthorized', 'Connect with a valid widget key and a conversation id.');
        return { tenant: await admit(query.data.key, request.headers.origin), conversation: query.data.conversation };
      } catch (error) {
        const appError = toAppError(error);
        send(socket, { type: 'error', error: appError.toJSON() });
        socket.close(appError.code === 'forbidden' ? 4403 : 4401, appError.code);
        return null;
      }
    })();
    // A connection that died without a close (sleeping laptop, dropped NAT) is found by a missed pong.
    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    socket.on('close', () => clearInterval(heartbeat));
    // Frames of one socket are handled one after another, so replies come back in order.
    let queue = Promise.resolve();
    socket.on('message', (data) => {
      queue = queue.then(async () => {
        const admitted = await admission;
        if (!admitted) return;
        let id: string | undefined;
        try {
          const frame = parseInput(frameSchema, parseUntrustedJson(data.toString(), 'frame'), 'frame');
          id = frame.id;
          send(socket, { type: 'ack', id });
          const message = parseInput(inboundTurnSchema, { text: frame.text, payload: frame.payload, channel: 'web' }, 'message');
          const result = await deps.chat.webchatTurn(admitted.tenant.id, { widgetKey: admitted.tenant.widgetKey, conversation: admitted.conversation, clientId: id }, message);
          send(socket, { type: 'reply', id, ...result });
        } catch (error) {
          const appError = toAppError(error);
          if (appError.code === 'internal') request.log.error({ err: error }, 'web chat turn failed');
          send(socket, { type: 'error', id, error: appError.toJSON() });
        }
      });
    });
  });

  app.post(
    '/webchat/messages',
    { config: { permission: 'public' }, schema: { summary: 'Web chat over HTTP: one message (resend-safe by `id`)', tags: ['webchat'], body: fallbackBody, response: responses({ 200: webchatAnswer }) } },
    async (request, reply) => {
      // Text bodies are parsed here, so the edge's NUL and depth checks are repeated on the result.
      const raw = typeof request.body === 'string' ? parseUntrustedJson(request.body, 'request body') : request.body;
      const body = parseInput(webchatMessageSchema, raw, 'request body');
      const tenant = await admit(body.key, request.headers.origin);
      allowOrigin(request, reply);
      const message = parseInput(inboundTurnSchema, { text: body.text, payload: body.payload, channel: 'web' }, 'message');
      return { id: body.id, ...(await deps.chat.webchatTurn(tenant.id, { widgetKey: body.key, conversation: body.conversation, clientId: body.id }, message)) };
    },
  );

  app.get(
    '/webchat/messages',
    { config: { permission: 'public' }, schema: { summary: 'Web chat over HTTP: the conversation so far (agents’ replies included)', tags: ['webchat'], querystring: historyQuery, response: responses({ 200: listOf('messages', webchatMessage) }) } },
    async (request, reply) => {
      const tenant = await admit(request.query.key, request.headers.origin);
      allowOrigin(request, reply);
      // The newest ones: a page that polls for agents' replies must see the latest, however long the chat.
      const messages = await deps.chat.listMessages(tenant.id, `web:${request.query.conversation}`, { limit: request.query.limit, newest: true });
      return { messages: messages.map(({ id, direction, text, reply: r, author, createdAt }) => ({ id, direction, text, reply: r, author: author ?? (direction === 'outbound' ? ('bot' as const) : ('user' as const)), createdAt })) };
    },
  );
}
