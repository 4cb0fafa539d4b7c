// Squared row norms of a (M, N) array (shaders/row_norms.wgsl): the connectivity view's per-(step, row) input
// gradient norms, reduced on the GPU so only (T, R) numbers are read back instead of (T, R, X).
import rowNormsWgsl from '../../../../shaders/row_norms.wgsl?raw';
import { KERNELS } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

const CONTRACT = KERNELS.rowNorms;
const MAX_WORKGROUPS = 65535; // the shader's grid-stride loop covers the rest

export class RowNormsKernel extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string): Promise<RowNormsKernel> {
    return new RowNormsKernel(device, arena, counter, label).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string) {
    super(device, arena, { label: `${label}:row-norms`, contract: CONTRACT, code: rowNormsWgsl }, counter);
  }

  /** out[outOff + r] = Σ_n src[srcOff + r·N + n]² for r < M. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, M: number, N: number, srcOff = 0, outOff = 0): void {
    this.dispatch(pass, group, { M, N, srcOff, outOff }, Math.min(MAX_WORKGROUPS, Math.ceil(M / CONTRACT.constants.WG)));
  }
}
