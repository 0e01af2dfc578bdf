import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody, type ErrorCode, isAppError } from '../../shared/app-error.js';
import { asOutage } from '../storage/index.js';
import { inputError } from './parse-input.js';

/** The one table from error codes to HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  flow_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  flow_not_found: 404,
  conversation_not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  conflict: 409,
  flow_not_published: 409,
  no_default_flow: 409,
  conversation_busy: 409,
  rate_limited: 429,
  integration_failed: 502,
  model_failed: 502,
  unavailable: 503,
  internal: 500,
};

export const statusOf = (code: ErrorCode): number => STATUS[code];

/** Fastify's own client errors (body parsing, limits, routing) in our vocabulary. */
const CONTEXT_NAMES: Record<string, string> = { body: 'request body', params: 'path', querystring: 'query string', headers: 'headers' };

function fromFastify(error: FastifyError): AppError | null {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({ path: v.instancePath, message: v.message ?? 'is not valid' }));
    return inputError(issues, CONTEXT_NAMES[error.validationContext ?? ''] ?? 'request');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than the server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send JSON (application/json), or YAML (application/yaml) for flows.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is empty; send a JSON object.');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('invalid_json', `The request body is not valid JSON: ${error.message}`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('bad_request', error.message);
  }
  return null;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body: { error: ErrorBody } = { error: error.toJSON() };
  if (error.code === 'rate_limited' || error.code === 'unavailable') {
    const details = error.details as { retryAfterSeconds?: number } | undefined;
    reply.header('retry-after', String(details?.retryAfterSeconds ?? 1));
  }
  return reply.status(statusOf(error.code)).send(body);
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // A Redis outage surfaces from many places as the client's own error; PostgreSQL's is already mapped.
  const outage = asOutage(error, 'Redis');
  const known = isAppError(outage) ? outage : fromFastify(error);
  if (known && known.code !== 'internal') {
    request.log.info({ code: known.code }, known.message);
    return sendError(reply, known);
  }
  // A bug or an outage: log the cause for operators, show nothing internal to clients.
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, new AppError('internal', 'Something went wrong on our side; the error was logged.'));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
}
