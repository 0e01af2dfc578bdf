/**
 * Builds the console (dist/console) when it is missing or older than its sources, so that
 * `npm start` on a fresh clone serves it and later starts cost nothing. `npm run build:console`
 * always builds. Vite is a development dependency: without it the engine still starts, and
 * /console says how to build it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const output = join(root, 'dist/console/index.html');
const sources = [join(root, 'src/console'), join(root, 'package-lock.json')];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  // Unit tests live beside the code they test but are not part of the bundle.
  if (!stat.isDirectory()) return path.endsWith('.test.ts') ? 0 : stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function consoleIsStale(): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < Math.max(...sources.map(newestMtime));
}

export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'src/console/vite.config.ts'), logLevel: 'warn' });
}

export async function ensureConsoleBuilt(log: (line: string) => void = console.log): Promise<void> {
  if (!consoleIsStale()) return;
  log('Building the admin console (dist/console)…');
  await buildConsole();
  log('Console built.');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const always = process.argv.includes('--force');
  (always ? buildConsole() : ensureConsoleBuilt()).catch((error: unknown) => {
    const missing = error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND';
    console.error(missing ? 'The console cannot be built: its build tools (devDependencies) are not installed. Run `npm install`.' : error);
    // Without a console the API and web chat still work; only an explicit build fails hard.
    process.exitCode = always || !missing ? 1 : 0;
  });
}
