import type { z } from 'zod';
import { AppError } from '../../shared/app-error.js';

/** Validates request input against the owning module's contract schema; every problem is reported at once. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0]!;
  throw new AppError('bad_request', `Invalid ${what}: ${first.path ? `${first.path}: ` : ''}${first.message}.`, {
    details: { issues },
  });
}
