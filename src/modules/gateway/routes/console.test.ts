import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { consoleRoutes } from './console.js';

describe('console not built', () => {
  it('says how to build it instead of failing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'no-console-'));
    const app = Fastify();
    try {
      consoleRoutes(app as never, { dir: join(parent, 'missing') });
      const response = await app.inject({ method: 'GET', url: '/console/flows' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build:console');
    } finally {
      await app.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
