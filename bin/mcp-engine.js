#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so that `npx mcp-engine …` works from a clone without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
// The young generation the Dockerfile gives the server (see there), for `mcp-engine start` run from a clone.
const result = spawnSync(tsx, ['--max-semi-space-size=128', join(root, 'src', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
