import type { JSONSchema7 } from 'json-schema';
import { sample } from 'openapi-sampler';
import { client } from './http.js';

/** One operation of the app's own OpenAPI document. */
export interface Operation {
  method: string;
  path: string;
  permission: string;
  body: JSONSchema7 | undefined;
}

interface OpenApiOperation {
  'x-permission'?: string | string[];
  requestBody?: { content?: Record<string, { schema?: JSONSchema7 }> };
}

/** A string where the schema takes free text: it has a NUL, which PostgreSQL refuses in text and jsonb. */
export const NUL_TEXT = 'probe\u0000text';
/** Where the schema takes any JSON; swapped for a nested value after sampling (the sampler would recurse into it). */
const DEEP_MARK = '__deep_value__';

export const deepJson = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Every operation the gateway serves, with the permission and JSON body schema it declares. */
export async function operations(baseUrl: string, methods: readonly string[]): Promise<Operation[]> {
  const spec = await client(baseUrl).get<{ paths: Record<string, Record<string, OpenApiOperation>> }>('/v1/openapi.json');
  return Object.entries(spec.body.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([method]) => methods.includes(method.toUpperCase()))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        permission: [operation['x-permission']].flat()[0] ?? 'public',
        body: operation.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

const isFreeText = (s: JSONSchema7) => s.type === 'string' && !s.enum && s.const === undefined && !s.pattern && !s.format;
const isAnyJson = (s: JSONSchema7) => s.type === 'object' && !s.properties && s.additionalProperties !== false;

/** The schema with examples that put the probe where free text or any JSON is taken. */
function withProbes(schema: unknown, mark: 'nul' | 'deep'): unknown {
  if (Array.isArray(schema)) return schema.map((s) => withProbes(s, mark));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'examples' || k === 'default' ? undefined : withProbes(v, mark)]));
  const node = copy as JSONSchema7;
  if (mark === 'nul' && isFreeText(node)) node.examples = [NUL_TEXT];
  if (mark === 'deep' && isAnyJson(node)) node.examples = [DEEP_MARK];
  return copy;
}

/**
 * A body shaped the way the route's schema asks (so that it would get past validation today),
 * with a NUL in every free-text string, or a value nested `levels` deep wherever any JSON is taken;
 * with the probe as an extra field where the schema has no such place.
 */
export function probeBody(schema: JSONSchema7 | undefined, probe: { nul: true } | { deep: number }): string {
  const mark = 'nul' in probe ? 'nul' : 'deep';
  const sampled: unknown = schema ? sample(withProbes(schema, mark) as JSONSchema7, { skipReadOnly: true, quiet: true }) : {};
  const body = typeof sampled === 'object' && sampled !== null && !Array.isArray(sampled) ? sampled : {};
  const placed = mark === 'nul' ? NUL_TEXT : DEEP_MARK;
  let text = JSON.stringify(body);
  if (!text.includes(JSON.stringify(placed))) text = JSON.stringify({ ...body, probe: placed });
  return 'deep' in probe ? text.replaceAll(`"${DEEP_MARK}"`, deepJson(probe.deep)) : text;
}

/** The operation's path with its parameters filled in. */
export function concretePath(path: string, values: Record<string, string>, fallback: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? fallback);
}
