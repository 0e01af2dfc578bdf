import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The admin console: a static single-page app built into dist/console and served by the gateway
 * at /console. `npx vite --config src/console/vite.config.ts` serves it with hot reload and
 * proxies /v1 to a running engine (port 3000).
 */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  // Vite transforms TSX with Oxc; the automatic runtime imports React's JSX helpers itself.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/v1': 'http://localhost:3000' } },
});
