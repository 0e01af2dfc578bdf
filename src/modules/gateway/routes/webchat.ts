import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError, isAppError } from '../../../shared/app-error.js';
import type { Chat } from '../../chat/contract.js';
import { conversationIdSchema, inboundTurnSchema } from '../../engine/contract.js';
import type { Security } from '../../security/contract.js';
import type { Api } from '../api.js';
import { parseInput } from '../parse-input.js';

const connectQuery = z.object({ key: z.string().min(1).max(200), conversation: conversationIdSchema });

/** What the page sends: one message, with a client id so that the page can match the answer. */
const frameSchema = z.object({
  type: z.literal('message'),
  id: z.string().min(1).max(100),
  text: z.string().optional(),
  payload: z.string().optional(),
});

function send(socket: WebSocket, frame: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

/**
 * Web chat over WebSocket: the page connects with the tenant's public widget key and its
 * conversation id; each frame is one message, answered by an ack and then the bot's replies.
 */
export function webchatRoutes(app: Api, deps: { chat: Chat; security: Security }): void {
  // The widget presents its public widget key, checked here, not an API key.
  app.get('/webchat', { websocket: true, config: { permission: 'public' }, schema: { hide: true } }, async (socket, request) => {
    const query = connectQuery.safeParse(request.query);
    const tenant = query.success ? await deps.security.getTenantByWidgetKey(query.data.key) : null;
    if (!query.success || !tenant) {
      send(socket, { type: 'error', error: { code: 'unauthorized', message: 'Connect with a valid widget key and a conversation id.' } });
      socket.close(4401, 'unauthorized');
      return;
    }
    const conversationId = `web:${query.data.conversation}`;
    // Frames of one socket are handled one after another, so replies come back in order.
    let queue = Promise.resolve();
    socket.on('message', (data) => {
      queue = queue.then(async () => {
        let id: string | undefined;
        try {
          const frame = parseInput(frameSchema, JSON.parse(data.toString()), 'frame');
          id = frame.id;
          send(socket, { type: 'ack', id });
          const message = parseInput(inboundTurnSchema, { text: frame.text, payload: frame.payload, channel: 'web' }, 'message');
          const result = await deps.chat.handleMessage(tenant.id, conversationId, message);
          send(socket, { type: 'reply', id, ...result });
        } catch (error) {
          const appError = isAppError(error)
            ? error
            : error instanceof SyntaxError
              ? new AppError('invalid_json', 'A frame must be a JSON object.')
              : new AppError('internal', 'Something went wrong on our side; the error was logged.');
          if (appError.code === 'internal') request.log.error({ err: error }, 'web chat turn failed');
          send(socket, { type: 'error', id, error: appError.toJSON() });
        }
      });
    });
  });
}
