import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Permission } from '../security/contract.js';

/**
 * What a route declares besides its schema: who may call it. `public` routes take no credential
 * (health, webhooks that verify their own signature, the widget with its public key). A list lets
 * in a caller holding any one of its permissions.
 */
export type RouteAccess = Permission | readonly [Permission, ...Permission[]] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RouteAccess;
    /**
     * `webhook`: a public route for signed platform calls, with the (higher) webhook limit per address.
     * `auth`: logins and other credential exchanges, counted apart so that they never block web chat.
     */
    rateLimit?: 'webhook' | 'auth';
  }
}

/** A Fastify instance whose routes declare zod schemas: validated input, typed handlers, OpenAPI. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
