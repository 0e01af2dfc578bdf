/**
 * The one error type that crosses module boundaries. Its `code` is a closed union so that the
 * gateway can map every code to an HTTP status in one table (gateway/errors.ts).
 */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'flow_not_found'
  | 'flow_invalid'
  | 'flow_not_published'
  | 'no_default_flow'
  | 'conversation_not_found'
  | 'conversation_busy'
  | 'conflict'
  | 'rate_limited'
  | 'integration_failed'
  | 'model_failed'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  toJSON(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
