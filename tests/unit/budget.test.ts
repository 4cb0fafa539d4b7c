import { describe, expect, it } from 'vitest';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { largestBuffer, workspaceDims } from '../../src/core/workspace';
import { checkMemoryBudget, CPU_BUDGET_BYTES, formatBytes } from '../../src/engine/budget';

const rnn = (H: number, layers = 1) => makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: H, outputSize: 1, numLayers: layers });
const lstm = (H: number, layers = 1) => makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: H, outputSize: 1, numLayers: layers });
const swiftShaderLimits = { maxStorageBufferBindingSize: 128 * 1024 * 1024, maxBufferSize: 256 * 1024 * 1024 };

describe('checkMemoryBudget', () => {
  it('accepts the default model and the small soak model', () => {
    for (const [spec, T, B] of [[rnn(32), 50, 16], [rnn(8), 10, 4], [lstm(32), 50, 16]] as const) {
      const check = checkMemoryBudget(spec, T, B);
      expect(check.ok, check.problems.join('; ')).toBe(true);
      expect(check.cpuBytes).toBeGreaterThan(0);
      expect(check.cpuBytes).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('refuses the largest settings the URL allows, naming the CPU budget and the sizes', () => {
    const check = checkMemoryBudget(lstm(1024, 3), 1000, 1024);
    expect(check.ok).toBe(false);
    expect(check.cpuBytes).toBeGreaterThan(CPU_BUDGET_BYTES);
    expect(check.problems[0]).toContain('512 MB memory budget');
    expect(check.problems[0]).toContain('H=1024, layers=3, T=1000, B=1024');
  });

  it('grows with every size-bearing setting (H, layers, T, B)', () => {
    const base = checkMemoryBudget(lstm(64, 1), 100, 32).cpuBytes;
    expect(checkMemoryBudget(lstm(128, 1), 100, 32).cpuBytes).toBeGreaterThan(base);
    expect(checkMemoryBudget(lstm(64, 2), 100, 32).cpuBytes).toBeGreaterThan(base);
    expect(checkMemoryBudget(lstm(64, 1), 200, 32).cpuBytes).toBeGreaterThan(base);
    expect(checkMemoryBudget(lstm(64, 1), 100, 128).cpuBytes).toBeGreaterThan(base);
  });

  it('counts at least the float64 traces of the forward pass and the parameters with their optimiser slots', () => {
    const spec = lstm(256, 2);
    const T = 200;
    const B = 128;
    const lowerBound = 8 * (2 * T * B * 4 * 256) + 8 * 4 * paramLayout(spec).size;
    expect(checkMemoryBudget(spec, T, B).cpuBytes).toBeGreaterThan(lowerBound);
  });

  it('the boundary: just under the budget passes, just over fails', () => {
    // find B where an RNN H=256 T=1000 crosses the budget, then check both sides of it
    let B = 1;
    while (checkMemoryBudget(rnn(256), 1000, B + 1).ok) B++;
    expect(checkMemoryBudget(rnn(256), 1000, B).ok).toBe(true);
    expect(checkMemoryBudget(rnn(256), 1000, B + 1).ok).toBe(false);
    expect(checkMemoryBudget(rnn(256), 1000, B + 1).cpuBytes).toBeGreaterThan(CPU_BUDGET_BYTES);
  });

  it('WebGPU: refuses a buffer over the adapter limit, naming the limit; the CPU budget does not apply then', () => {
    const big = checkMemoryBudget(lstm(1024), 1000, 64, { engine: 'webgpu', gpuLimits: swiftShaderLimits });
    expect(big.ok).toBe(false);
    expect(big.largestGpuBuffer).toBeGreaterThan(swiftShaderLimits.maxStorageBufferBindingSize);
    expect(big.problems.join(' ')).toContain('maxStorageBufferBindingSize of 128 MB');
    expect(big.problems.join(' ')).not.toContain('CPU engine');

    const small = checkMemoryBudget(lstm(64), 100, 16, { engine: 'webgpu', gpuLimits: swiftShaderLimits });
    expect(small.ok).toBe(true);
    // the smaller of the two limits is the one named
    const tightBuffer = checkMemoryBudget(lstm(1024), 1000, 64, { engine: 'webgpu', gpuLimits: { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 26 } });
    expect(tightBuffer.problems.join(' ')).toContain('maxBufferSize of 64 MB');
  });

  it('WebGPU: the largest buffer is the largest entry of the workspace table the engine allocates from (GRU: dG holds two blocks)', () => {
    const T = 100;
    const B = 16;
    const H = 64;
    const gru = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: H, outputSize: 1 });
    expect(checkMemoryBudget(gru, T, B).largestGpuBuffer).toBe(4 * 2 * T * B * 3 * H);
    // LSTM: the saved activations (T+1, B, 4H) outgrow dG (T, B, 4H)
    expect(checkMemoryBudget(lstm(H), T, B).largestGpuBuffer).toBe(4 * (T + 1) * B * 4 * H);
    const layout = paramLayout(lstm(H));
    const dims = workspaceDims(lstm(H), T, B, layout.size, 256);
    expect(largestBuffer(dims, ['batch']).name).toBe('acts');
  });

  it('WebGPU without known limits (no adapter): the CPU budget applies, since the run lands on the CPU', () => {
    expect(checkMemoryBudget(lstm(1024, 3), 1000, 1024, { engine: 'webgpu' }).ok).toBe(false);
    expect(checkMemoryBudget(lstm(1024, 3), 1000, 1024, { engine: 'webgpu', gpuLimits: { maxStorageBufferBindingSize: 2 ** 40, maxBufferSize: 2 ** 40 } }).ok).toBe(true);
  });

  it('formats bytes for people', () => {
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(formatBytes(2048)).toBe('2 kB');
  });
});
