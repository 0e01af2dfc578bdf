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
      "import { x } from '../chat/turns.js';",
      "export { y } from '../chat/turns.js';",
      "import type { Z } from '../chat/turns.js';",
      "export const later = () => import('../chat/turns.js');",
      'export const all = [x];',
      'export type Also = Z;',
    ].join('\n'));
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(error).toContain('Import the chat module through modules/chat/index.js or contract.js only');
  });

  it("allows another module's index and contract, and a module's own files", async () => {
    const errors = await boundaryErrors('src/modules/engine/boundary-fixture.ts', [
      "import { createChat } from '../chat/index.js';",
      "import type { Chat } from '../chat/contract.js';",
      "import { createFlowStore } from './flow-store.js';",
      "import { compileFlow } from './flow/compile-flow.js';",
      'export const all = [createChat, createFlowStore, compileFlow];',
      'export type Also = Chat;',
    ].join('\n'));
    expect(errors).toEqual([]);
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
