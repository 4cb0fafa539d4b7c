// How the kernels are sized for the adapter. A GPU wants wide workgroups sharing data through workgroup
// memory; a software adapter (SwiftShader) runs a workgroup on one CPU thread, 4 lanes at a time, and pays a
// fiber switch per 4 invocations at every barrier — there, narrow workgroups and barrier-free loops win.
import type { GemmVariant } from './gemm';

export type ProfileName = 'gpu' | 'software';

export interface KernelProfile {
  name: ProfileName;
  gemm: GemmVariant;
  /** Threads of the reduction kernels (step norms, gradient partials, finalize); a power of two. */
  reductionThreads: number;
  /** Batch rows per workgroup and threads per workgroup of the fused recurrence; null = sized from H. */
  recurrentRows: number | null;
  recurrentThreads: number | null;
  /**
   * Also build the register-blocked recurrence (entry points `tiled`: 8 × 8 blocks per thread, TILE_ROWS batch
   * rows per workgroup, state in storage) and use it for batches of at least 2·TILE_ROWS rows, which keep two
   * workgroups busy; smaller batches keep the per-unit path, which spreads over more workgroups.
   */
  recurrentTiled: boolean;
  /** Use the `subgroups` feature where a kernel has a subgroup variant (the adapter must offer it). */
  subgroups: boolean;
  /** Workgroups of the grid-stride passes over P parameters (partials, finalize and the optimiser agree). */
  parameterWorkgroups(P: number): number;
}

export function kernelProfile(name: ProfileName, subgroups = false): KernelProfile {
  if (name === 'software') {
    return {
      name,
      gemm: 'direct',
      reductionThreads: 4, // one SIMD group: every lane busy, barriers without fiber switches
      recurrentRows: 1,
      recurrentThreads: 4, // one SIMD group: no fiber switch at the per-step barrier
      recurrentTiled: true,
      subgroups,
      parameterWorkgroups: (P) => Math.max(1, Math.min(64, Math.ceil(P / 4096))),
    };
  }
  return {
    name,
    gemm: 'tiled',
    reductionThreads: 256,
    recurrentRows: null,
    recurrentThreads: null,
    recurrentTiled: false,
    subgroups,
    parameterWorkgroups: (P) => Math.max(1, Math.min(256, Math.ceil(P / 256))),
  };
}
