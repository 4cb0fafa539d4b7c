// The system-dependency step that `npm test` runs first (scripts/system-deps.mjs): one line and a non-zero exit
// for whatever is missing, never a wall of stack traces; the exact command for a user who is not root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkRequirements, plan, type Requirement } from '../../scripts/system-deps.mjs';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'system-deps.mjs');

const req = (what: string, packages: string[], ok: boolean, override: string | null = null): Requirement => ({ what, packages, ok, override });
const ALL_THERE = [req('chromium', ['chromium'], true), req("SwiftShader's Vulkan driver", ['chromium'], true), req('the Vulkan loader', ['libvulkan1'], true), req('PyTorch', ['python3-torch', 'python3-numpy'], true)];
const missing = (...names: string[]) => ALL_THERE.map((r) => (names.includes(r.what) ? { ...r, ok: false } : r));

describe('what the step decides', () => {
  test('everything there: nothing to do', () => {
    expect(plan(ALL_THERE, { isRoot: false, hasAptGet: false })).toEqual({ action: 'none' });
  });

  test('a user who is not root gets one line with the exact sudo command, each package once', () => {
    const p = plan(missing('chromium', "SwiftShader's Vulkan driver", 'PyTorch'), { isRoot: false, hasAptGet: true });
    expect(p).toEqual({
      action: 'stop',
      line: "system-deps: missing chromium, SwiftShader's Vulkan driver, PyTorch: run  sudo apt-get update && sudo apt-get install -y chromium python3-torch python3-numpy",
    });
    expect(p.action === 'stop' && p.line).not.toContain('\n');
  });

  test('root with apt-get installs the missing packages; root without apt-get is told the command', () => {
    expect(plan(missing('the Vulkan loader'), { isRoot: true, hasAptGet: true })).toEqual({ action: 'install', packages: ['libvulkan1'], what: 'the Vulkan loader' });
    expect(plan(missing('the Vulkan loader'), { isRoot: true, hasAptGet: false })).toEqual({ action: 'stop', line: 'system-deps: missing the Vulkan loader: run  apt-get update && apt-get install -y libvulkan1' });
    expect(plan(missing('PyTorch'), { isRoot: true, hasAptGet: true, checkOnly: true }).action).toBe('stop');
  });

  test('a variable that points nowhere is named; installing the default would not help', () => {
    const reqs = ALL_THERE.map((r) => (r.what === 'chromium' ? { ...r, ok: false, override: 'CHROMIUM=/nowhere' } : r));
    expect(plan(reqs, { isRoot: true, hasAptGet: true })).toEqual({ action: 'stop', line: 'system-deps: CHROMIUM=/nowhere names nothing usable (chromium): fix or unset it' });
  });

  test('the checks read the variables the tests read', () => {
    const found = checkRequirements({ ...process.env, CHROMIUM: '/nowhere/chromium', VK_ICD_FILENAMES: '/nowhere/icd.json', RNNLAB_TORCH_PYTHON: '/nowhere/python3' });
    expect(found.map((r) => [r.what, r.ok, r.override])).toEqual([
      ['chromium', false, 'CHROMIUM=/nowhere/chromium'],
      ["SwiftShader's Vulkan driver", false, 'VK_ICD_FILENAMES=/nowhere/icd.json'],
      ['the Vulkan loader', expect.any(Boolean), null],
      ['PyTorch', false, 'RNNLAB_TORCH_PYTHON=/nowhere/python3'],
    ]);
  });
});

describe('the script, run as npm test runs it', () => {
  // A PATH with node and nothing else: no apt-get, so the step can only report.
  const bin = mkdtempSync(join(tmpdir(), 'rnnlab-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const run = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: bin, HOME: tmpdir(), ...env } });

  test.each([
    ['CHROMIUM', '/nowhere/chromium', 'CHROMIUM=/nowhere/chromium names nothing usable (chromium)'],
    ['VK_ICD_FILENAMES', '/nowhere/vk_icd.json', "VK_ICD_FILENAMES=/nowhere/vk_icd.json names nothing usable (SwiftShader's Vulkan driver)"],
    ['RNNLAB_TORCH_PYTHON', '/nowhere/python3', 'RNNLAB_TORCH_PYTHON=/nowhere/python3 names nothing usable (PyTorch)'],
  ])('%s pointing nowhere: one line naming it, exit 1', (name, value, expected) => {
    const out = run({ [name]: value });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toEqual([`system-deps: ${expected}: fix or unset it`]);
  });

  test('--check with everything hidden prints one line and exits 1, without apt-get on PATH', () => {
    const out = run({ CHROMIUM: '/nowhere/a', VK_ICD_FILENAMES: '/nowhere/b', RNNLAB_TORCH_PYTHON: '/nowhere/c' }, ['--check']);
    expect(out.status).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
