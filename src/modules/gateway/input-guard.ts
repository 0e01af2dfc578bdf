import type { FastifyRequest } from 'fastify';
import { assertSafeInput } from '../../shared/safe-input.js';

/**
 * preValidation, for every route: no NUL, broken Unicode or deep nesting in the path, the query
 * string or a parsed body, refused before any schema, handler or store sees it. Raw bodies
 * (platform webhooks, whose signatures cover the exact bytes) are checked by their channel's
 * parser; bodies sent as text are checked where they are parsed (web chat) or taken as text.
 */
export async function rejectUnsafeInput(request: FastifyRequest): Promise<void> {
  assertSafeInput(request.params, 'path');
  assertSafeInput(request.query, 'query string');
  if (!Buffer.isBuffer(request.body)) assertSafeInput(request.body, 'request body');
}
