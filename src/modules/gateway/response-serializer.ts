import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/** Paths of fields in `sent` that `declared` (the schema's output) does not have. */
function undeclaredPaths(sent: unknown, declared: unknown, at = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(declared)) return sent.flatMap((item, i) => undeclaredPaths(item, declared[i], `${at}[${i}]`));
  if (typeof sent !== 'object' || sent === null || typeof declared !== 'object' || declared === null) return [];
  return Object.entries(sent).flatMap(([key, value]) => {
    const path = at ? `${at}.${key}` : key;
    if (value === undefined) return [];
    return key in declared ? undeclaredPaths(value, (declared as Record<string, unknown>)[key], path) : [path];
  });
}

/**
 * Serializes a route's answer. The compiler already holds each handler to its response schema's
 * type, so in production the answer goes out as the route made it, with no check on the hot path
 * (zod's own serializer would also strip undeclared fields). `strict` (the tests) checks it
 * against the schema and turns a mismatch into a 500 naming the field, so drift fails a test.
 */
export function responseSerializer(options: { strict: boolean }): FastifySerializerCompiler<z.ZodType> {
  if (!options.strict) return () => JSON.stringify;
  return ({ schema, method, url, httpStatus }) =>
    (data) => {
      const result = z.safeEncode(schema, data);
      const problem = result.success
        ? undeclaredPaths(data, result.data).map((path) => `'${path}' is not in the response schema`)
        : result.error.issues.map((issue) => `'${issue.path.join('.')}': ${issue.message}`);
      if (problem.length > 0) throw new Error(`The ${httpStatus} answer of ${method} ${url} does not match its schema: ${problem.slice(0, 5).join('; ')}.`);
      return JSON.stringify(result.data);
    };
}
