// Runs src/cli/bench.ts without the rnnlab CLI: bundles it with esbuild (WGSL imported with ?raw) and calls
// runBench(process.argv). `node bench/run.mjs --quick`
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild plugin: `import text from './x.wgsl?raw'` gives the file's text, as vite does. */
export const rawPlugin = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' }));
  },
};

// Inside node_modules so the bundle resolves webgpu, playwright-core and vite from the repository.
mkdirSync(join(root, 'node_modules/.cache/rnnlab-bench'), { recursive: true });
const outfile = join(root, 'node_modules/.cache/rnnlab-bench/bench.mjs');
await build({
  entryPoints: [join(root, 'src/cli/bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  plugins: [rawPlugin],
  external: ['webgpu', 'playwright-core', 'vite', '@tensorflow/*', 'esbuild'],
  logLevel: 'error',
});
const { runBench } = await import(pathToFileURL(outfile).href);
await runBench(process.argv.slice(2));
