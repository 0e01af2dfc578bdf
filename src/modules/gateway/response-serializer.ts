import type { FastifyBaseLogger, FastifySerializerCompiler } from 'fastify';
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
 * Serializes a route's answer with its response schema. A schema that does not describe what the
 * route returns is a bug of ours: `strict` (tests) turns it into a 500 naming the field; otherwise
 * the answer goes out whole, as the route made it, and the mismatch is logged. Either way no field
 * is silently dropped (zod's own serializer would strip the undeclared ones).
 */
export function responseSerializer(options: { strict: boolean; logger: FastifyBaseLogger }): FastifySerializerCompiler<z.ZodType> {
  return ({ schema, method, url, httpStatus }) =>
    (data) => {
      const result = z.safeEncode(schema, data);
      const problem = result.success
        ? undeclaredPaths(data, result.data).map((path) => `'${path}' is not in the response schema`)
        : result.error.issues.map((issue) => `'${issue.path.join('.')}': ${issue.message}`);
      if (problem.length === 0) return JSON.stringify(result.data);
      const message = `The ${httpStatus} answer of ${method} ${url} does not match its schema: ${problem.slice(0, 5).join('; ')}.`;
      if (options.strict) throw new Error(message);
      options.logger.error({ route: `${method} ${url}`, status: httpStatus, problems: problem.slice(0, 20) }, 'response does not match its schema');
      return JSON.stringify(data);
    };
}
