// Bias gradients: column sums over all rows of one or two (rows, N) gradient arrays (shaders/colsum.wgsl).
import colsumWgsl from '../../../../shaders/colsum.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

type ColsumField = 'M' | 'N' | 'srcOff0' | 'srcOff1' | 'outOff0' | 'outOff1' | 'same';
const FIELDS: readonly ColsumField[] = ['M', 'N', 'srcOff0', 'srcOff1', 'outOff0', 'outOff1', 'same'];

export class ColumnSumKernel extends Kernel<ColsumField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, lanes: number): Promise<ColumnSumKernel> {
    return new ColumnSumKernel(device, arena, counter, label, lanes).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, lanes: number) {
    super(device, arena, { label: `${label}:colsum`, code: colsumWgsl, bindings: ['read', 'read', 'rw'], constants: { LANES: lanes } }, { fields: FIELDS }, counter);
  }

  /**
   * Bind group order: src0, src1, out. out[outOff0 + n] = Σ_m src0[srcOff0 + m·N + n] and, when a second job is
   * given, out[outOff1 + n] = Σ_m src1[srcOff1 + m·N + n] in the same dispatch. `sameSource`: the second job
   * reads exactly what the first does (same buffer bound twice, same offset), so it is summed once.
   */
  record(
    pass: GPUComputePassEncoder,
    group: GPUBindGroup,
    M: number,
    N: number,
    first: { srcOff: number; outOff: number },
    second?: { srcOff: number; outOff: number; sameSource?: boolean },
  ): void {
    const same = second?.sameSource === true;
    const params = { M, N, srcOff0: first.srcOff, outOff0: first.outOff, srcOff1: second?.srcOff ?? 0, outOff1: second?.outOff ?? 0, same: same ? 1 : 0 };
    this.dispatch(pass, group, params, Math.ceil(N / 16), second && !same ? 2 : 1);
  }
}
