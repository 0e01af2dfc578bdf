import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializer } from './response-serializer.js';

/** A route whose schema has `name` and `tags` only, answering `answer`: what the client gets. */
async function serve(answer: unknown, strict: boolean) {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer({ strict }));
  app.get('/thing', { schema: { response: { 200: z.object({ name: z.string(), tags: z.array(z.object({ id: z.string() })) }) } } }, async () => answer as never);
  try {
    const response = await app.inject({ method: 'GET', url: '/thing' });
    return { status: response.statusCode, body: response.json() as unknown };
  } finally {
    await app.close();
  }
}

describe('response serializer', () => {
  it('sends an answer that matches its schema', async () => {
    const answer = { name: 'a', tags: [{ id: 't' }] };
    expect(await serve(answer, true)).toEqual({ status: 200, body: answer });
    expect(await serve(answer, false)).toEqual({ status: 200, body: answer });
  });

  it('never drops a field the schema lacks: sent whole, or (strict) a 500 naming it', async () => {
    const answer = { name: 'a', secretless: 1, tags: [{ id: 't', extra: true }] };
    expect(await serve(answer, false)).toEqual({ status: 200, body: answer });
    const strict = await serve(answer, true);
    expect(strict.status).toBe(500);
  });

  it('treats a field of the wrong type the same way', async () => {
    const answer = { name: 7, tags: [] };
    expect(await serve(answer, false)).toEqual({ status: 200, body: answer });
    expect((await serve(answer, true)).status).toBe(500);
  });
});
