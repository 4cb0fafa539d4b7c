// The browser tests' web server (playwright.config.ts starts it): builds the page with vite into a folder of this
// run's own, then serves that build with `vite preview` on the port given, until it is stopped.
//   node tests/e2e/serve.mjs <port>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node tests/e2e/serve.mjs <port>');
  process.exit(2);
}

// Not dist/: another run (or `npm run build`) rewriting dist/ mid-suite made pages 404.
const outDir = mkdtempSync(join(tmpdir(), 'rnnlab-e2e-'));
const removeBuild = () => rmSync(outDir, { recursive: true, force: true });
process.on('exit', removeBuild);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));

console.log('building the page…');
await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' } });
console.log(`serving the build on http://127.0.0.1:${port}`);
