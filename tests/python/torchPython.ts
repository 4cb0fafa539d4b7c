// Which python runs the PyTorch tests, and whether they may skip.
// Debian's torch imports from /usr/bin/python3; the `python3` first on PATH may be a version manager's shim
// without it, so the default is explicit. RNNLAB_TORCH_PYTHON chooses another interpreter.
// Outside CI the PyTorch suites skip with a note where torch is missing; in CI (CI=true) they must run, so a
// missing torch is a failing test there, never a silent skip.
import { spawnSync } from 'node:child_process';

export const TORCH_PYTHON = process.env.RNNLAB_TORCH_PYTHON ?? '/usr/bin/python3';
export const HAS_TORCH = spawnSync(TORCH_PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
export const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** True where the suite named `suite` should skip; prints why. In CI it never skips (see `requireTorchInCi`). */
export function skipWithoutTorch(suite: string): boolean {
  if (HAS_TORCH || IN_CI) return false;
  console.info(`SKIP ${suite}: "${TORCH_PYTHON} -c 'import torch, numpy'" failed, so the PyTorch checks did not run. Install Debian's python3-torch python3-numpy (npm test does, as root) or set RNNLAB_TORCH_PYTHON.`);
  return true;
}

/** Call at the top of a PyTorch suite's first test: in CI a missing torch fails with the reason. */
export function requireTorchInCi(): void {
  if (!HAS_TORCH) throw new Error(`CI=true but "${TORCH_PYTHON} -c 'import torch, numpy'" fails: the PyTorch suites must run in CI (scripts/system-deps.mjs installs python3-torch)`);
}
