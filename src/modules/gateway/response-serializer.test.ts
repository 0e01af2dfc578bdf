import Fastify from 'fastify';
import { pino } from 'pino';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializer } from './response-serializer.js';

/** A route whose schema has `name` only, answering `answer`; what the client gets and what was logged. */
async function serve(answer: unknown, strict: boolean) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const app = Fastify({ loggerInstance: logger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer({ strict, logger: app.log }));
  app.get('/thing', { schema: { response: { 200: z.object({ name: z.string(), tags: z.array(z.object({ id: z.string() })) }) } } }, async () => answer as never);
  try {
    const response = await app.inject({ method: 'GET', url: '/thing' });
    return { status: response.statusCode, body: response.json() as unknown, logged: lines.filter((l) => l.msg === 'response does not match its schema') };
  } finally {
    await app.close();
  }
}

describe('response serializer', () => {
  it('sends an answer that matches its schema, and logs nothing', async () => {
    const answer = { name: 'a', tags: [{ id: 't' }] };
    expect(await serve(answer, true)).toEqual({ status: 200, body: answer, logged: [] });
  });

  it('never drops a field the schema lacks: sent whole and logged, or (strict) a 500', async () => {
    const answer = { name: 'a', secretless: 1, tags: [{ id: 't', extra: true }] };
    const lenient = await serve(answer, false);
    expect(lenient.status).toBe(200);
    expect(lenient.body).toEqual(answer);
    expect(lenient.logged[0]?.problems).toEqual(["'secretless' is not in the response schema", "'tags[0].extra' is not in the response schema"]);
    expect((await serve(answer, true)).status).toBe(500);
  });

  it('treats a field of the wrong type the same way', async () => {
    const answer = { name: 7, tags: [] };
    const lenient = await serve(answer, false);
    expect([lenient.status, lenient.body]).toEqual([200, answer]);
    expect(lenient.logged).toHaveLength(1);
    expect((await serve(answer, true)).status).toBe(500);
  });
});
