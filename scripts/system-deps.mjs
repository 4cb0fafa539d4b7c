#!/usr/bin/env node
// The one place that knows what the tests need from the system, beyond npm: Debian's chromium (the browser the
// e2e tests drive; it also ships SwiftShader's Vulkan driver, on which WebGPU runs in Node and in Chromium),
// the Vulkan loader libvulkan1, and PyTorch with numpy for the PyTorch oracle and export tests.
//
//   node scripts/system-deps.mjs          check; as root, apt-get install what is missing; else say what to run
//   node scripts/system-deps.mjs --check  check only (exit 1 with one line if anything is missing)
//
// It is idempotent (nothing is installed when everything is there) and never downloads a browser of its own.
// `npm test` runs it first; `.ci/run` runs it through `npm test`. The environment variables the tests read choose
// other locations: CHROMIUM (the browser), VK_ICD_FILENAMES (the Vulkan driver), RNNLAB_TORCH_PYTHON (the python
// with torch). A variable that names a missing file is reported, never "fixed" by installing the default.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULTS = {
  chromium: '/usr/bin/chromium',
  icd: '/usr/lib/chromium/vk_swiftshader_icd.json',
  python: '/usr/bin/python3',
};

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasVulkanLoader() {
  // ldconfig's cache knows every library the dynamic loader will find; dpkg is the fallback where it is absent.
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    if (!existsSync(ldconfig)) continue;
    const out = spawnSync(ldconfig, ['-p'], { encoding: 'utf8' });
    if (out.status === 0) return /\blibvulkan\.so\.1\b/.test(out.stdout);
  }
  return spawnSync('dpkg', ['-s', 'libvulkan1'], { stdio: 'ignore' }).status === 0;
}

function pythonHasTorch(python) {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

/**
 * Every requirement, checked now: `ok`, the Debian packages that provide it, and `override`, the environment
 * variable that moved it (installing the default cannot help then).
 */
export function checkRequirements(env = process.env) {
  const chromium = env.CHROMIUM ?? env.CHROMIUM_PATH;
  const icd = env.VK_ICD_FILENAMES;
  const python = env.RNNLAB_TORCH_PYTHON;
  return [
    { what: 'chromium', packages: ['chromium'], override: chromium ? `CHROMIUM=${chromium}` : null, ok: executable(chromium ?? DEFAULTS.chromium) },
    { what: "SwiftShader's Vulkan driver", packages: ['chromium'], override: icd ? `VK_ICD_FILENAMES=${icd}` : null, ok: icd ? icd.split(delimiter).every((f) => existsSync(f)) : existsSync(DEFAULTS.icd) },
    { what: 'the Vulkan loader', packages: ['libvulkan1'], override: null, ok: hasVulkanLoader() },
    { what: 'PyTorch', packages: ['python3-torch', 'python3-numpy'], override: python ? `RNNLAB_TORCH_PYTHON=${python}` : null, ok: pythonHasTorch(python ?? DEFAULTS.python) },
  ];
}

function onPath(command, env) {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, command)));
}

const unique = (xs) => [...new Set(xs)];

/**
 * What to do about `requirements`: nothing; install `packages` (root with apt-get, nothing moved by a variable);
 * or stop with one line that names the exact command (or the variable to fix).
 */
export function plan(requirements, { isRoot, hasAptGet, checkOnly = false }) {
  const missing = requirements.filter((r) => !r.ok);
  if (missing.length === 0) return { action: 'none' };
  const overridden = missing.filter((r) => r.override);
  if (overridden.length > 0) {
    const why = overridden.map((r) => `${r.override} names nothing usable (${r.what})`).join('; ');
    return { action: 'stop', line: `system-deps: ${why}: fix or unset it` };
  }
  const packages = unique(missing.flatMap((r) => r.packages));
  const what = unique(missing.map((r) => r.what)).join(', ');
  if (isRoot && hasAptGet && !checkOnly) return { action: 'install', packages, what };
  const sudo = isRoot ? '' : 'sudo ';
  return { action: 'stop', line: `system-deps: missing ${what}: run  ${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}` };
}

function main() {
  const env = process.env;
  const context = {
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasAptGet: onPath('apt-get', env),
    checkOnly: process.argv.includes('--check'),
  };
  const first = plan(checkRequirements(env), context);
  if (first.action === 'none') return 0;
  if (first.action === 'stop') {
    console.error(first.line);
    return 1;
  }
  console.log(`system-deps: ${first.what} missing; installing Debian's ${first.packages.join(' ')}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env: aptEnv });
  execFileSync('apt-get', ['install', '-y', ...first.packages], { stdio: 'inherit', env: aptEnv });
  const after = plan(checkRequirements(env), { ...context, checkOnly: true });
  if (after.action !== 'none') {
    console.error(`${after.line} (apt-get install ran, but it is still missing)`);
    return 1;
  }
  console.log('system-deps: all there');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main();
  } catch (error) {
    // apt-get already printed its own reason above; one line says which step failed.
    console.error(`system-deps: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exitCode = 1;
  }
}
