// Builds the chat widget into one file, dist/widget/widget.js, and prints its gzipped size.
// `--if-missing` skips the build when the file exists (used by `npm start` and `npm test`).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = `${root}dist/widget/widget.js`;

/** `import styles from './styles.css'` gives the stylesheet, minified, as a string for the shadow root. */
const cssAsMinifiedText = {
  name: 'css-as-minified-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(readFileSync(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

if (!(process.argv.includes('--if-missing') && existsSync(outfile))) {
  const result = await build({
    entryPoints: [`${root}src/widget/main.ts`],
    outfile,
    write: false,
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers since 2022 (class fields, custom elements, shadow DOM): nothing to polyfill.
    target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
    tsconfig: `${root}src/widget/tsconfig.json`,
    legalComments: 'none',
    plugins: [cssAsMinifiedText],
  });
  const code = result.outputFiles[0].contents;
  // Written aside and renamed: a running server (or a parallel test's build) never reads half a file.
  mkdirSync(`${root}dist/widget`, { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, outfile);
  const size = { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  writeFileSync(`${root}dist/widget/size.json`, `${JSON.stringify(size)}\n`);
  process.stdout.write(`dist/widget/widget.js: ${(size.bytes / 1024).toFixed(1)} kB, ${(size.gzipBytes / 1024).toFixed(1)} kB gzipped\n`);
}
