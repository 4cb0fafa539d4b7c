#!/usr/bin/env node
// Builds the GPU-machine pack into bench/device/pack/ (ignored): everything `run.sh` needs on a machine
// with no Node, no npm and no internet, under its 64 MiB per-run limit.
//   npm run bench:device-pack            (= node bench/device/pack.mjs [--out DIR])
// Contents:
//   node.xz            this machine's Node binary (process.execPath), xz -6
//   webgpu.tar.xz      node_modules/webgpu: package.json, index.js, LICENSE.md and dist/linux-x64/dawn.node only
//   device.mjs         bench/device/device.ts bundled with esbuild (the CLI's bench, parity, floors, table)
//   libvulkan1_*.deb   the Vulkan loader, from `apt-get download libvulkan1` (run.sh extracts it with dpkg-deb -x)
//   lib{glvnd0,glx0,egl1,gl1,opengl0,gles2}_*.deb  the rest of the device notes' loader recipe (seen working there):
//                      libGLdispatch and friends, which NVIDIA's driver libraries may link against; a few hundred KB
//   run.sh, torch_peer.py, workloads.jsonl, MANIFEST.txt
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, copyFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(outArg >= 0 ? args[outArg + 1] : join(here, 'pack'));
const MiB = 1024 * 1024;
/** The device tool carries at most 64 MiB per run, the repository's own files included. */
const CARRY_LIMIT = 64 * MiB;
const PACK_LIMIT = 56 * MiB;

const log = (s) => console.error(`pack: ${s}`);
function fail(s) {
  console.error(`pack: ${s}`);
  process.exit(1);
}
function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the GPU machine is linux-x64; this is ${process.platform}-${process.arch}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. The bundle: the same esbuild set-up as bin/rnnlab.mjs (WGSL as ?raw text), webgpu external.
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  fail('esbuild is not installed; run `npm ci` first');
}
const rawPlugin = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }));
  },
};
log('bundling bench/device/device.ts');
await esbuild.build({
  entryPoints: [join(here, 'device.ts')],
  outfile: join(out, 'device.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  // webgpu is packed beside the bundle; the rest is reached only by `bench --browser`, which cannot run there.
  external: ['webgpu', 'esbuild', 'playwright-core', 'playwright', '@playwright/test', 'vite', '@vitejs/plugin-react', '@tensorflow/*'],
  plugins: [rawPlugin],
  banner: { js: "import { createRequire as __rnnlabRequire } from 'node:module'; const require = __rnnlabRequire(import.meta.url);" },
});

// 2. Node.
const node = realpathSync(process.execPath);
log(`compressing ${node} (${(statSync(node).size / MiB).toFixed(1)} MiB) with xz -6`);
execFileSync('sh', ['-c', 'xz -6 -c "$1" > "$2"', 'sh', node, join(out, 'node.xz')], { stdio: 'inherit' });

// 3. The webgpu package: only what index.js loads on linux-x64.
const webgpu = join(root, 'node_modules', 'webgpu');
const webgpuFiles = ['package.json', 'index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node'].map((f) => join('node_modules', 'webgpu', f));
for (const f of webgpuFiles) if (!existsSync(join(root, f))) fail(`${f} is missing; run \`npm ci\` first`);
log('packing node_modules/webgpu (dawn.node and its JS) with xz -6');
sh('tar', ['-cJf', join(out, 'webgpu.tar.xz'), '-C', root, ...webgpuFiles], { env: { ...process.env, XZ_OPT: '-6' } });

// 4. The Vulkan loader (and libGLdispatch) as Debian packages, as the device notes fetch them.
for (const pkg of ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1', 'libgl1', 'libopengl0', 'libgles2']) {
  log(`apt-get download ${pkg}`);
  const r = spawnSync('apt-get', ['download', pkg], { cwd: out, encoding: 'utf8' });
  if (r.status !== 0) {
    const cached = existsSync('/var/cache/apt/archives') ? readdirSync('/var/cache/apt/archives').find((f) => f.startsWith(`${pkg}_`) && f.endsWith('_amd64.deb')) : null;
    if (!cached) fail(`apt-get download ${pkg} failed (${(r.stderr || '').trim().split('\n').pop()}); try \`apt-get update\` first`);
    copyFileSync(join('/var/cache/apt/archives', cached), join(out, cached));
  }
}
const debs = readdirSync(out).filter((f) => f.endsWith('.deb'));
const probe = mkdtempSync(join(tmpdir(), 'rnnlab-pack-'));
for (const d of debs) sh('dpkg-deb', ['-x', join(out, d), probe]);
const libdir = join(probe, 'usr', 'lib', 'x86_64-linux-gnu');
for (const so of ['libvulkan.so.1', 'libGLdispatch.so.0']) if (!existsSync(join(libdir, so))) fail(`${so} is not in ${debs.join(', ')}`);
rmSync(probe, { recursive: true, force: true });

// 5. The scripts, and the workloads for torch_peer.py's drift check.
for (const f of ['run.sh', 'torch_peer.py']) {
  copyFileSync(join(here, f), join(out, f));
  chmodSync(join(out, f), 0o755);
}
const workloads = sh(process.execPath, [join(out, 'device.mjs'), 'workloads'], { cwd: out });
writeFileSync(join(out, 'workloads.jsonl'), workloads);
const python = process.env.RNNLAB_TORCH_PYTHON ?? '/usr/bin/python3';
if (existsSync(python)) {
  // torch_peer.py keeps its own copy of the workloads (it must run without Node); they must agree.
  const r = spawnSync(python, [join(out, 'torch_peer.py'), '--check-workloads', join(out, 'workloads.jsonl')], { encoding: 'utf8' });
  if (r.status !== 0) fail(`torch_peer.py's workloads differ from bench/workloads.ts: ${(r.stdout + r.stderr).trim()}`);
  log(r.stdout.trim());
} else log(`${python} is missing: torch_peer.py's workloads were not checked against bench/workloads.ts`);

// 6. Manifest and size.
const files = readdirSync(out).sort();
const sha = (f) => createHash('sha256').update(readFileSync(join(out, f))).digest('hex');
const commit = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'unknown';
const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'shaders', 'bench'], { encoding: 'utf8' }).stdout.trim() ? ' (with uncommitted changes under src/, shaders/ or bench/)' : '';
const total = files.reduce((s, f) => s + statSync(join(out, f)).size, 0);
const manifest = [
  `rnnlab GPU-machine pack, built ${new Date().toISOString()} from ${commit}${dirty}`,
  `node ${process.version} (${node}), webgpu ${JSON.parse(readFileSync(join(webgpu, 'package.json'), 'utf8')).version}`,
  ...files.map((f) => `${sha(f)}  ${String(statSync(join(out, f)).size).padStart(10)}  ${f}`),
  `total ${total} bytes (${(total / MiB).toFixed(1)} MiB)`,
];
writeFileSync(join(out, 'MANIFEST.txt'), `${manifest.join('\n')}\n`);
for (const f of files) console.log(`${(statSync(join(out, f)).size / MiB).toFixed(2).padStart(7)} MiB  ${f}`);
const size = total + statSync(join(out, 'MANIFEST.txt')).size;
console.log(`pack: ${relative(process.cwd(), out) || '.'} holds ${size} bytes = ${(size / MiB).toFixed(1)} MiB (device tool limit ${CARRY_LIMIT / MiB} MiB per run, the repository's files included)`);
if (size > PACK_LIMIT) fail(`the pack is over ${PACK_LIMIT / MiB} MiB: too little room left for the working tree`);
