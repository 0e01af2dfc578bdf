import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Permission } from '../security/contract.js';

/**
 * What a route declares besides its schema: who may call it. `public` routes take no credential
 * (health, webhooks that verify their own signature, the widget with its public key).
 */
export type RouteAccess = Permission | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RouteAccess;
    /** `webhook`: a public route for signed platform calls, with the (higher) webhook limit per address. */
    rateLimit?: 'webhook';
  }
}

/** A Fastify instance whose routes declare zod schemas: validated input, typed handlers, OpenAPI. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
