import type { z } from 'zod';
import { AppError } from '../../shared/app-error.js';

interface IssueLike {
  path: readonly PropertyKey[] | string;
  message: string;
}

/** One 400 for every invalid input, with every problem listed (the first one in the message). */
export function inputError(issues: readonly IssueLike[], what: string): AppError {
  const listed = issues.map((issue) => ({
    path: typeof issue.path === 'string' ? issue.path.replace(/^\//, '').replace(/\//g, '.') : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = listed[0];
  const detail = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'it does not match what this call expects';
  return new AppError('bad_request', `Invalid ${what}: ${detail}.`, { details: { issues: listed } });
}

/** For input that does not arrive through a route schema (WebSocket frames). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw inputError(result.error.issues, what);
}
