// Squared row norms of a (M, N) array (shaders/row_norms.wgsl): the connectivity view's per-(step, row) input
// gradient norms, reduced on the GPU so only (T, R) numbers are read back instead of (T, R, X).
import rowNormsWgsl from '../../../../shaders/row_norms.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

type RowNormsField = 'M' | 'N' | 'srcOff' | 'outOff';
const FIELDS: readonly RowNormsField[] = ['M', 'N', 'srcOff', 'outOff'];
const THREADS = 64; // = THREADS in the shader
const MAX_WORKGROUPS = 65535;

export class RowNormsKernel extends Kernel<RowNormsField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string): Promise<RowNormsKernel> {
    return new RowNormsKernel(device, arena, counter, label).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string) {
    super(device, arena, { label: `${label}:row-norms`, code: rowNormsWgsl, bindings: ['read', 'rw'] }, { fields: FIELDS }, counter);
  }

  /** Bind group order: src, out. out[outOff + r] = Σ_n src[srcOff + r·N + n]² for r < M. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, M: number, N: number, srcOff = 0, outOff = 0): void {
    this.dispatch(pass, group, { M, N, srcOff, outOff }, Math.min(MAX_WORKGROUPS, Math.ceil(M / THREADS)));
  }
}
