import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../shared/app-error.js';

/** A document as YAML or JSON text, or already an object, checked against `schema`: every problem listed, the first in the message. */
export function parseTrainingSource<S extends z.ZodType>(source: string | object, schema: S): z.infer<S> {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      // YAML is a superset of JSON, so one parser reads both.
      value = parseYaml(source, { maxAliasCount: 100 });
    } catch (error) {
      throw new AppError('bad_request', `The training data is neither valid YAML nor JSON: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  throw new AppError('bad_request', `Invalid training data: ${first.path ? `${first.path}: ` : ''}${first.message}.`, { details: { issues } });
}
