import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The project's own lint config, run on code that is never written to disk: each case names the
 * file it pretends to be, so import paths resolve as they would there (STYLE.md §1–2).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const RULE = 'import-x/no-restricted-paths';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}eslint.config.js` });
});

async function boundaryErrors(filePath: string, code: string, rule = RULE): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('module boundaries', () => {
  it('rejects a relative deep import of another module that never names modules/', async () => {
    const errors = await boundaryErrors('src/modules/engine/boundary-fixture.ts', [
      "import { x } from '../models/model-caller.js';",
      "export { y } from '../models/model-caller.js';",
      "import type { Z } from '../models/model-caller.js';",
      "export const later = () => import('../models/model-caller.js');",
      'export const all = [x];',
      'export type Also = Z;',
    ].join('\n'));
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(error).toContain('Import the models module through modules/models/index.js or contract.js only');
  });

  it("allows another module's index and contract, and a module's own files", async () => {
    const errors = await boundaryErrors('src/modules/engine/boundary-fixture.ts', [
      "import { createModels } from '../models/index.js';",
      "import type { Models } from '../models/contract.js';",
      "import { createFlowStore } from './flow-store.js';",
      "import { compileFlow } from './flow/compile-flow.js';",
      'export const all = [createModels, createFlowStore, compileFlow];',
      'export type Also = Models;',
    ].join('\n'));
    expect(errors).toEqual([]);
  });

  it('keeps dependencies one way: a module may not use one upstream of it, even through its index', async () => {
    const upstream = await boundaryErrors('src/modules/engine/boundary-fixture.ts', "export { createChat } from '../chat/index.js';");
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toContain('engine may not use chat: module dependencies point one way');
    expect(await boundaryErrors('src/modules/analytics/boundary-fixture.ts', "export type { Chat } from '../chat/contract.js';")).toHaveLength(1);
    expect(await boundaryErrors('src/modules/storage/boundary-fixture.ts', "export type { Tenant } from '../security/contract.js';")).toHaveLength(1);
    expect(await boundaryErrors('src/modules/chat/boundary-fixture.ts', "export type { TurnService } from '../engine/contract.js';")).toEqual([]);
  });

  it('rejects deep imports from outside src/modules too, such as the composition root and tests', async () => {
    expect(await boundaryErrors('src/app.ts', "export { x } from './modules/chat/turns.js';")).toHaveLength(1);
    expect(await boundaryErrors('test/fixture.test.ts', "export { x } from '../src/modules/storage/kv-memory.js';")).toHaveLength(1);
    expect(await boundaryErrors('test/fixture.test.ts', "export { x } from '../src/modules/storage/index.js';")).toEqual([]);
  });

  it('keeps src/shared free of modules and browser code free of server code', async () => {
    expect(await boundaryErrors('src/shared/fixture.ts', "export { x } from '../modules/chat/index.js';")).toHaveLength(1);
    expect(await boundaryErrors('src/widget/fixture.ts', "export { x } from '../shared/ids.js';")).toHaveLength(1);
    expect(await boundaryErrors('src/console/app/flows/fixture.ts', "export { x } from '../../../modules/engine/contract.js';")).toHaveLength(1);
    expect(await boundaryErrors('src/console/app/flows/fixture.ts', "export { locateYaml } from '../../../shared/yaml-lines';")).toEqual([]);
  });

  it('lets only storage import the Redis and PostgreSQL clients', async () => {
    const clients = [
      "import { Redis } from 'ioredis';",
      "import type { Redis as R } from 'ioredis';",
      "import pg from 'pg';",
      "import { PGlite } from '@electric-sql/pglite';",
      'export const all = [Redis, pg, PGlite];',
      'export type Also = R;',
    ].join('\n');
    const errors = await boundaryErrors('src/modules/analytics/fixture.ts', clients, 'no-restricted-imports');
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(error).toContain('Only the storage module connects to Redis or PostgreSQL');
    expect(await boundaryErrors('src/app.ts', "export { Redis } from 'ioredis';", 'no-restricted-imports')).toHaveLength(1);
    expect(await boundaryErrors('src/modules/storage/fixture.ts', clients, 'no-restricted-imports')).toEqual([]);
    // Tests reach real infrastructure directly, to set it up and to break it.
    expect(await boundaryErrors('src/modules/analytics/fixture.int.test.ts', clients, 'no-restricted-imports')).toEqual([]);
  });
});
