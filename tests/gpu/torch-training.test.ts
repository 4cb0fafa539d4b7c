// Training parity on the WebGPU engine (Node; SwiftShader where there is no GPU): N steps through the Trainer
// against the exported PyTorch script in its float32 default for the same N steps (tests/python/trainingParity.ts),
// step by step — loss, gradient norm — and the final weights, to 1e-3 (relative above 1). The same cases as the
// CPU engine's tests/unit/torch-training.test.ts (which holds to 1e-9 against float64).
// Needs torch (tests/python/torchPython.ts): outside CI it skips with a note, in CI it fails without it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { GpuContext } from '../../src/engine/webgpu/device';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';
import { requireTorchInCi, skipWithoutTorch } from '../python/torchPython';
import { expectParity, PARITY_CASES, trainingParity } from '../python/trainingParity';
import { sharedContext } from './helpers';

const skip = skipWithoutTorch('torch-training (WebGPU engine)');
const TOL = 1e-3;

describe.skipIf(skip)('training parity: WebGPU engine against the float32 PyTorch script', () => {
  test('PyTorch is there (in CI it must be)', () => requireTorchInCi());

  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await sharedContext();
  });
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-torch-training-gpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`${PARITY_CASES.length} runs, step by step: loss, gradient norm and final weights to ${TOL}`, async () => {
    const results = await trainingParity(PARITY_CASES, () => new WebGpuEngine({ context: ctx }), 'float32', dir);
    expectParity(results, TOL, 'WebGPU engine vs float32 PyTorch');
  }, 600_000);
});
