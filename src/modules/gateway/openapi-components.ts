import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const REF = /"#\/components\/schemas\/([^"]+)"/g;
const refsIn = (value: unknown): string[] => [...JSON.stringify(value ?? null).matchAll(REF)].flatMap((m) => (m[1] ? [m[1]] : []));

/**
 * The document's named schemas: every zod schema with a `.meta({id})` becomes a component, so that
 * clients (and src/api-types) get its name. fastify-type-provider-zod also adds an `…Input` twin of
 * each for request bodies; the twins no operation reaches would only clutter the document.
 */
export const transformComponents: SwaggerTransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject);
  // Ours is OpenAPI 3.1 (see registerDocs); a Swagger 2 document has no components.
  if (!('components' in document)) return document;
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  const queue = refsIn(document.paths);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    queue.push(...refsIn(schemas[name]));
  }
  const isUnusedTwin = (name: string) => name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas && !reached.has(name);
  // The components object is built afresh for this document: pruning it in place touches nothing shared.
  for (const name of Object.keys(schemas).filter(isUnusedTwin)) delete schemas[name];
  return document;
};
