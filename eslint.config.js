import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
// Read from disk so a new module is fenced in the day it is added.
const modules = readdirSync(join(root, 'src/modules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Zones are checked on resolved file paths, so `../chat/turns.js` from inside engine is caught
// as well as `../../modules/chat/turns.js` (an import-string pattern only sees the latter).
// Which modules each module may use: dependencies point one way (ARCHITECTURE.md), so a message's
// path inbox → engine → outbox never calls back upstream. A module missing here stops lint.
const moduleDependencies = {
  storage: [],
  security: ['storage'],
  privacy: ['storage'],
  models: ['security', 'storage'],
  adaptors: ['security', 'storage'],
  knowledge: ['models', 'storage'],
  engine: ['models', 'adaptors', 'knowledge', 'storage'],
  analytics: ['engine', 'storage'],
  chat: ['engine', 'security', 'storage'],
  gateway: modules.filter((m) => m !== 'gateway'),
};
for (const m of modules) {
  if (!moduleDependencies[m]) throw new Error(`eslint.config.js: add src/modules/${m} to moduleDependencies (which modules may it use?)`);
}

const boundaryZones = [
  ...modules.flatMap((m) =>
    modules
      .filter((other) => other !== m && !moduleDependencies[m].includes(other))
      .map((other) => ({
        target: `src/modules/${m}/**`,
        from: `src/modules/${other}`,
        message: `${m} may not use ${other}: module dependencies point one way (eslint.config.js moduleDependencies, ARCHITECTURE.md).`,
      })),
  ),
  // A module's public entry is its index.ts (and contract.ts); deep imports would couple modules.
  ...modules.map((m) => ({
    target: [`src/modules/!(${m})/**`, 'src/!(modules)/**', 'src/*', 'test/**', 'bench/**'],
    from: `src/modules/${m}`,
    except: ['index.ts', 'contract.ts'],
    message: `Import the ${m} module through modules/${m}/index.js or contract.js only.`,
  })),
  { target: 'src/shared/**', from: 'src/modules', message: 'src/shared is domain-free: it imports no module.' },
  // Browser code talks to the server over /v1 only, with the API's types generated from its OpenAPI
  // document (src/api-types); the console shares one pure YAML helper.
  {
    target: 'src/console/**',
    from: 'src',
    except: ['console', 'api-types/openapi.gen.ts', 'shared/yaml-lines.ts'],
    message: 'The console imports no server code; it talks to the server over /v1.',
  },
  {
    target: 'src/widget/**',
    from: 'src',
    except: ['widget', 'api-types/openapi.gen.ts'],
    message: 'The widget imports no server code; it talks to the server over /v1.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'src/api-types/openapi.gen.ts'] },
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' }],
    },
  },
  {
    files: ['**/*.{js,ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // NodeNext source imports `./x.js` for `./x.ts`; the console imports without an extension.
      'import-x/resolver-next': [createNodeResolver({
        extensions: ['.ts', '.tsx', '.js', '.json'],
        extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: boundaryZones }] },
  },
  {
    // Storage opens and owns every connection; other modules get its interfaces (STYLE.md §10.6).
    files: ['src/**/*.ts'],
    ignores: ['src/modules/storage/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['ioredis', 'pg', '@electric-sql/pglite'].map((name) => ({
          name,
          message: 'Only the storage module connects to Redis or PostgreSQL; take its Sql, Kv, Locks or Counters as a dep.',
        })),
      }],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
