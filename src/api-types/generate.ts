/**
 * Writes src/api-types/openapi.gen.ts from the OpenAPI document of an embedded instance (no
 * services needed): `npm run api-types`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { silentLogger } from '../shared/logger.js';
import { renderApiTypes } from './render.js';

const API_TYPES_FILE = fileURLToPath(new URL('./openapi.gen.ts', import.meta.url));

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-api-types-'));
try {
  const loaded = loadConfig({ PORT: '0', MCP_DATA_DIR: dataDir, MCP_SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const app = await createApp(loaded.config, { logger: silentLogger() });
  const { url } = await app.start();
  try {
    const document: unknown = await (await fetch(`${url}/v1/openapi.json`)).json();
    writeFileSync(API_TYPES_FILE, await renderApiTypes(document));
  } finally {
    await app.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
