import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const modules = ['gateway', 'chat', 'engine', 'models', 'adaptors', 'security', 'analytics', 'storage', 'privacy'];

// A module's public entry is its index.ts (and contract.ts); deep imports would couple modules.
const restrictModules = (names) => ['error', {
  patterns: names.map((m) => ({
    group: [`**/modules/${m}/**`, `!**/modules/${m}/index.js`, `!**/modules/${m}/contract.js`],
    message: `Import the ${m} module through modules/${m}/index.js or contract.js only.`,
  })),
}];

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrictModules(modules),
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' }],
    },
  },
  // Inside a module, its own files import each other freely; other modules only through their entry.
  ...modules.map((m) => ({
    files: [`src/modules/${m}/**/*.ts`],
    rules: { 'no-restricted-imports': restrictModules(modules.filter((o) => o !== m)) },
  })),
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
