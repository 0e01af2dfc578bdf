import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Chat } from '../chat/contract.js';
import type { Engine } from '../engine/contract.js';
import type { Security } from '../security/contract.js';
import { apiKeyAuth } from './auth.js';
import type { Gateway, GatewayConfig } from './contract.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { conversationRoutes } from './routes/conversations.js';
import { flowRoutes } from './routes/flows.js';
import { healthRoutes } from './routes/health.js';
import { pageRoutes } from './routes/pages.js';
import { webchatRoutes } from './routes/webchat.js';

export * from './contract.js';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  security: Security;
  engine: Engine;
  chat: Chat;
  ready: () => Promise<boolean>;
  defaultWidgetKey: () => string | null;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** JSON bodies: an empty body reads as "no body" (POST …/publish without one is normal). */
function registerBodyParsers(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body !== 'string' || body.trim() === '') return done(null, undefined);
    defaultJson(request, body, (error, value) =>
      error ? done(new AppError('invalid_json', `The request body is not valid JSON: ${error.message}`), undefined) : done(null, value),
    );
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const app: FastifyInstance = Fastify({
    // Fastify infers its logger type from this option; route modules use the base logger type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    // Long enough for any id our routes accept, so that a too-long id gets our 400 and not a bare 414.
    routerOptions: { maxParamLength: 500 },
    genReqId: () => crypto.randomUUID(),
  });
  registerBodyParsers(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  healthRoutes(app, { ready: deps.ready });
  pageRoutes(app, { defaultWidgetKey: deps.defaultWidgetKey });
  // The widget authenticates with its public widget key, not an API key.
  await app.register(async (v1) => webchatRoutes(v1, deps), { prefix: '/v1' });
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', apiKeyAuth(deps.security));
      conversationRoutes(v1, deps);
      flowRoutes(v1, deps);
    },
    { prefix: '/v1' },
  );

  return {
    async listen() {
      await app.listen({ port: deps.config.port, host: deps.config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : deps.config.port;
      const host = deps.config.host === '0.0.0.0' || deps.config.host === '::' ? 'localhost' : deps.config.host;
      return { url: `http://${host}:${port}`, port };
    },
    close: () => app.close(),
  };
}
