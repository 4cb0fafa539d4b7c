#!/usr/bin/env node
// The `rnnlab` command. Node 20 cannot run TypeScript, so this bundles src/cli/main.ts with esbuild into
// node_modules/.cache/rnnlab/cli.mjs (again whenever a file under src/, shaders/ or bench/ is newer than the
// bundle)
// and runs it. WGSL files are imported with `?raw` as in Vite; the `webgpu` package stays external.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'cli', 'main.ts');
const cacheDir = join(root, 'node_modules', '.cache', 'rnnlab');
const bundle = join(cacheDir, 'cli.mjs');

function newestSourceTime() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    newest = Math.max(newest, statSync(dir).mtimeMs); // changes when a file is added or removed
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, ent.name);
      if (ent.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'shaders'));
  walk(join(root, 'bench'));
  return newest;
}

/** `import text from './x.wgsl?raw'`: the file's text, as Vite does. */
const rawPlugin = {
  name: 'rnnlab-raw',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)), namespace: 'rnnlab-raw' }));
    build.onLoad({ filter: /.*/, namespace: 'rnnlab-raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

async function ensureBundle(target = bundle) {
  if (existsSync(target) && statSync(target).mtimeMs >= newestSourceTime()) return target;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    fail('esbuild is not installed; run `npm ci` in the repository first');
  }
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      // Native or heavy packages load from node_modules at run time instead of being bundled.
      external: ['webgpu', 'esbuild', 'playwright-core', 'playwright', '@playwright/test', 'vite', '@vitejs/plugin-react'],
      plugins: [rawPlugin],
      banner: { js: "import { createRequire as __rnnlabRequire } from 'node:module'; const require = __rnnlabRequire(import.meta.url);" },
    });
  } catch (e) {
    const first = e?.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    fail(`could not build the CLI from src/: ${first?.text ?? e?.message ?? e}${where}`);
  }
  return writeBundle(target, result.outputFiles[0].contents);
}

/** Write then rename, so a concurrent rnnlab never imports a half-written bundle. */
function writeBundle(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
  return path;
}

function fail(message) {
  process.stderr.write(`rnnlab: ${message}\n`);
  process.exit(1);
}

let built;
try {
  built = await ensureBundle();
} catch (e) {
  // node_modules not writable: build into the system's temporary directory instead.
  if (e?.code !== 'EACCES' && e?.code !== 'EROFS' && e?.code !== 'EPERM') throw e;
  built = join(tmpdir(), `rnnlab-cli-${process.getuid?.() ?? 'user'}`, 'cli.mjs');
  await ensureBundle(built);
}
const { run } = await import(pathToFileURL(built).href);
await run(process.argv.slice(2));
