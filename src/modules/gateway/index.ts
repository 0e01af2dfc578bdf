import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Analytics } from '../analytics/contract.js';
import type { Chat } from '../chat/contract.js';
import type { FlowAuthoring, TurnService } from '../engine/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { PersonData } from '../../person-data.js';
import type { Privacy } from '../privacy/contract.js';
import type { Telemetry } from '../../shared/telemetry.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Models } from '../models/contract.js';
import type { Security } from '../security/contract.js';
import type { Api } from './api.js';
import { auditHook } from './audit-hook.js';
import { accessControl, declarePermission } from './auth.js';
import { registerBodyParsers } from './body-parsers.js';
import type { Gateway, GatewayConfig } from './contract.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { httpMetricsHook } from './http-metrics.js';
import { rejectUnsafeInput } from './input-guard.js';
import { transformComponents } from './openapi-components.js';
import { responseSerializer } from './response-serializer.js';
import { securityHeaders } from './security-headers.js';
import { requestLogHook, requestLogSerializers } from './request-log.js';
import { analyticsRoutes } from './routes/analytics.js';
import { authRoutes } from './routes/auth.js';
import { ssoRoutes } from './routes/sso.js';
import { conversationRoutes } from './routes/conversations.js';
import { flowTestRoutes } from './routes/flow-tests.js';
import { flowRoutes } from './routes/flows.js';
import { integrationRoutes } from './routes/integrations.js';
import { knowledgeRoutes } from './routes/knowledge.js';
import { modelRoutes } from './routes/models.js';
import { nluTrainingDataRoutes } from './routes/nlu-training-data.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { pageRoutes } from './routes/pages.js';
import { peopleRoutes } from './routes/people.js';
import { privacyRoutes } from './routes/privacy.js';
import { consoleRoutes } from './routes/console.js';
import { tenantRoutes } from './routes/tenants.js';
import { workspaceRoutes } from './routes/users.js';
import { channelRoutes } from './routes/channels.js';
import { channelRoutingRoutes } from './routes/channel-routing.js';
import { proactiveRoutes } from './routes/proactive.js';
import { webchatRoutes } from './routes/webchat.js';
import { widgetRoutes } from './routes/widget.js';

export * from './contract.js';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  security: Security;
  turns: TurnService;
  authoring: FlowAuthoring;
  chat: Chat;
  models: Models;
  analytics: Analytics;
  adaptors: Adaptors;
  knowledge: Knowledge;
  /** Bearer token GET /metrics requires; unset, it is open. */
  metricsToken?: string | undefined;
  /** Export and erasure of one end user's data, across modules. */
  personData: PersonData;
  privacy: Privacy;
  /** OpenTelemetry, when an OTLP endpoint is configured. */
  telemetry?: Telemetry | null;
  ready: () => Promise<boolean>;
  defaultWidgetKey: () => string | null;
}

async function registerDocs(app: Api): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'MCP Engine API', version: '1', description: 'Flows, conversations, channels, integrations and analytics. Every /v1 call needs `Authorization: Bearer <API key>`.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: transformComponents,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/v1/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
}

/** With tracing on, every request runs in a server span that continues the caller's W3C trace context. */
const serverWith = (telemetry: Telemetry) => (handler: (req: IncomingMessage, res: ServerResponse) => void) => createServer(telemetry.serveHttp(handler));

export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const app: Api = Fastify({
    // Fastify infers its logger type from this option; route modules use the base logger type.
    loggerInstance: deps.logger.child({}, { serializers: requestLogSerializers }) as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    // Long enough for any id our routes accept, so that a too-long id gets our 400 and not a bare 414.
    routerOptions: { maxParamLength: 500 },
    genReqId: () => crypto.randomUUID(),
    // One line a request, from requestLogHook, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    ...(deps.telemetry ? { serverFactory: serverWith(deps.telemetry) } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  const telemetry = deps.telemetry;
  if (telemetry) app.addHook('onRequest', async (request) => telemetry.nameRequest(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`));
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer({ strict: deps.config.strictResponses }));
  registerBodyParsers(app);
  app.addHook('preValidation', rejectUnsafeInput);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', httpMetricsHook(deps.analytics));
  app.addHook('onResponse', requestLogHook(deps.logger));
  // Helmet's headers on every response. No CSP: the docs and web chat pages run inline scripts; the API serves JSON.
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  // Browsers on other origins (a console hosted elsewhere) only when the operator lists them;
  // the web chat answers its tenants' allowed origins itself.
  if (deps.config.corsOrigins.length > 0) {
    await app.register(cors, { origin: deps.config.corsOrigins, credentials: false, maxAge: 600 });
  }
  await registerDocs(app);

  healthRoutes(app, { ready: deps.ready });
  metricsRoutes(app, deps);
  pageRoutes(app, { defaultWidgetKey: deps.defaultWidgetKey });
  consoleRoutes(app);
  widgetRoutes(app, { defaultWidgetKey: deps.defaultWidgetKey });
  await app.register(
    async (v1: Api) => {
      v1.addHook('onRoute', declarePermission);
      v1.addHook('onRequest', accessControl(deps.security, deps.config.limits));
      v1.addHook('onSend', auditHook(deps.security));
      authRoutes(v1, deps);
      // Cookies (a sign-in in progress) and WebSocket upgrades each serve one group of routes: their
      // plugins' hooks run on those routes' requests only, not on every API call.
      await v1.register(async (sso: Api) => {
        await sso.register(cookie);
        ssoRoutes(sso, deps);
      });
      workspaceRoutes(v1, deps);
      tenantRoutes(v1, deps);
      peopleRoutes(v1, deps);
      privacyRoutes(v1, deps);
      await v1.register(async (webchat: Api) => {
        await webchat.register(websocket, { options: { maxPayload: 64 * 1024 } });
        webchatRoutes(webchat, deps);
      });
      channelRoutes(v1, deps);
      channelRoutingRoutes(v1, deps);
      proactiveRoutes(v1, deps);
      conversationRoutes(v1, deps);
      flowRoutes(v1, deps);
      flowTestRoutes(v1, deps);
      modelRoutes(v1, deps);
      nluTrainingDataRoutes(v1, deps);
      analyticsRoutes(v1, deps);
      integrationRoutes(v1, deps);
      knowledgeRoutes(v1, deps);
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
