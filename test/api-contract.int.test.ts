import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApiTypes } from '../src/api-types/render.js';
import { startApp, type TestApp } from './support/start-app.js';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** The API's contract is the routes' schemas: the document shows every answer, and the browser code's types come from it. */
describe('API contract', () => {
  let app: TestApp;
  let document: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    app = await startApp({ mode: 'embedded' });
    document = (await (await fetch(`${app.url}/v1/openapi.json`)).json()) as typeof document;
  });
  afterAll(() => app.stop());

  it('documents a success (or redirect) schema and the error body for every operation', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.length).toBeGreaterThan(80);
    const missing = operations.filter(({ op }) => {
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^[23]/.test(status));
      // A 204 or a redirect has no body to describe; any other success must say what it returns.
      return success.length === 0 || success.some(([status, r]) => /^2/.test(status) && status !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema));
    });
    expect(missing.map((m) => m.name)).toEqual([]);
    const withoutErrors = operations.filter(({ op }) => !op.responses?.['4XX'] || !op.responses['5XX']);
    expect(withoutErrors.map((m) => m.name)).toEqual([]);
  });

  it('generated the console’s and widget’s API types from the current document (npm run api-types)', async () => {
    const committed = readFileSync(new URL('../src/api-types/openapi.gen.ts', import.meta.url), 'utf8');
    expect(await renderApiTypes(document)).toBe(committed);
  });
});
