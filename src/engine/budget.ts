// Memory budget of a run, checked before anything is allocated. Pure: no DOM, no GPU.
// The CPU estimate follows what src/core/model.ts allocates (float64) and errs on the large side; the WebGPU
// figure is the largest buffer of the table the WebGPU engine allocates from (src/core/workspace.ts). A refusal
// names the limit that was hit, so the user knows which setting to lower.
import { gateCount, paramLayout, type ModelSpec } from '../core/spec';
import { largestBuffer, workspaceDims } from '../core/workspace';

/** What the CPU engine may use for one run (activations, gradients, parameters, optimiser, checkpoints). */
export const CPU_BUDGET_BYTES = 512 * 1024 * 1024;

/** The validation batch the Trainer runs forward every few steps (TrainerOptions.valBatchSize). */
const VALIDATION_BATCH = 64;

/** Checkpoints the Trainer keeps (params + two optimiser slots each, float32). */
const CHECKPOINT_RING = 4;

/** The WebGPU adapter limits that bound one buffer (GPUSupportedLimits has both). */
export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface BudgetCheck {
  ok: boolean;
  /** Estimated bytes on the CPU engine (float64 activations and gradients for all T steps). */
  cpuBytes: number;
  /** The largest single GPU buffer the WebGPU engine would create, in bytes. */
  largestGpuBuffer: number;
  /** What is over which limit, in words (empty when ok). */
  problems: string[];
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

/** Bytes of float64 traces the CPU engine keeps for a forward and backward pass over (T, B). */
function cpuActivationBytes(spec: ModelSpec, T: number, B: number): number {
  const G = gateCount(spec.cell);
  const H = spec.hiddenSize;
  const perLayer = T * B * (3 * G * H + 4 * H); // xp, cell extras, dG (T,B,GH) ×3; hs, dh, dc, dX (T,B,H) ×4
  const io = T * B * (spec.inputSize + 2 * spec.outputSize); // x, outputs, d-outputs
  return 8 * (spec.numLayers * perLayer + io);
}

/**
 * Checks a model and batch shape against the CPU budget and, when `gpuLimits` is given, against the
 * adapter's buffer limits. `engine` says which limits refuse the run: 'cpu' and 'auto' need the CPU
 * budget (auto falls back to the CPU when the GPU cannot take the model); 'webgpu' needs the GPU limits
 * (and the CPU budget when the limits are unknown: without an adapter the run lands on the CPU).
 */
export function checkMemoryBudget(
  spec: ModelSpec,
  T: number,
  B: number,
  options: { engine?: 'auto' | 'cpu' | 'webgpu'; gpuLimits?: BufferLimits | null; cpuBudgetBytes?: number } = {},
): BudgetCheck {
  const engine = options.engine ?? 'auto';
  const budget = options.cpuBudgetBytes ?? CPU_BUDGET_BYTES;
  const H = spec.hiddenSize;
  const L = spec.numLayers;
  const P = paramLayout(spec).size;

  // the training batch's traces, or the validation batch's forward pass when that one is larger
  const activations = Math.max(cpuActivationBytes(spec, T, B), cpuActivationBytes(spec, T, VALIDATION_BATCH) / 2);
  const parameters = 8 * P * 4 + 4 * P * 3 * CHECKPOINT_RING; // params, grads, two slots (f64); the ring (f32)
  const cpuBytes = activations + parameters;

  // the WebGPU engine's largest buffer, from the table it allocates from (at most 256 reduction workgroups)
  const largestGpuBuffer = largestBuffer(workspaceDims(spec, T, B, P, 256), ['model', 'batch', 'state']).bytes;

  const problems: string[] = [];
  const shape = `H=${H}, layers=${L}, T=${T}, B=${B}`;
  // without the adapter's limits, a WebGPU run may end up on the CPU engine: the CPU budget applies
  const cpuApplies = engine !== 'webgpu' || !options.gpuLimits;
  if (cpuApplies && cpuBytes > budget) {
    problems.push(`${shape} needs about ${formatBytes(cpuBytes)} on the CPU engine, over its ${formatBytes(budget)} memory budget: lower H, T, B or layers`);
  }
  if (engine === 'webgpu' && options.gpuLimits) {
    const limit = Math.min(options.gpuLimits.maxStorageBufferBindingSize, options.gpuLimits.maxBufferSize);
    const name = limit === options.gpuLimits.maxStorageBufferBindingSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
    if (largestGpuBuffer > limit) {
      problems.push(`${shape} needs a ${formatBytes(largestGpuBuffer)} GPU buffer, over this adapter's ${name} of ${formatBytes(limit)}: lower H, T, B or layers`);
    }
  }
  return { ok: problems.length === 0, cpuBytes, largestGpuBuffer, problems };
}
