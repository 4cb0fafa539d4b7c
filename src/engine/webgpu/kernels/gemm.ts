// C (M, N) = A (M, K) · B (K, N) [+ bias], every operand a strided view into its buffer (shaders/gemm.wgsl).
import gemmWgsl from '../../../../shaders/gemm.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

type GemmField = 'M' | 'N' | 'K' | 'aOff' | 'aRowStride' | 'aColStride' | 'bOff' | 'bRowStride' | 'bColStride' | 'cOff' | 'cRowStride' | 'biasOff' | 'hasBias';
const FIELDS: readonly GemmField[] = ['M', 'N', 'K', 'aOff', 'aRowStride', 'aColStride', 'bOff', 'bRowStride', 'bColStride', 'cOff', 'cRowStride', 'biasOff', 'hasBias'];

/** A strided matrix view: element (r, c) lives at off + r·rowStride + c·colStride. */
export interface MatView {
  off: number;
  rowStride: number;
  colStride: number;
}

/** Row-major (rows, cols) at `off`. */
export const rowMajor = (off: number, cols: number): MatView => ({ off, rowStride: cols, colStride: 1 });
/** The transpose of a row-major (rows, cols) matrix at `off`: element (r, c) = M[c][r]. */
export const transposed = (off: number, cols: number): MatView => ({ off, rowStride: 1, colStride: cols });

export interface GemmCall {
  M: number;
  N: number;
  K: number;
  a: MatView;
  b: MatView;
  cOff: number;
  cRowStride: number;
  biasOff?: number; // bias (N) at this offset of the bias buffer, added to every row
}

export class GemmKernel extends Kernel<GemmField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string): Promise<GemmKernel> {
    return new GemmKernel(device, arena, counter, label).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string) {
    super(device, arena, { label: `${label}:gemm`, code: gemmWgsl, bindings: ['read', 'read', 'read', 'rw'] }, { fields: FIELDS }, counter);
  }

  /** Bind group order: A, B, bias, C. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, c: GemmCall): void {
    this.dispatch(
      pass,
      group,
      {
        M: c.M, N: c.N, K: c.K,
        aOff: c.a.off, aRowStride: c.a.rowStride, aColStride: c.a.colStride,
        bOff: c.b.off, bRowStride: c.b.rowStride, bColStride: c.b.colStride,
        cOff: c.cOff, cRowStride: c.cRowStride,
        biasOff: c.biasOff ?? 0, hasBias: c.biasOff === undefined ? 0 : 1,
      },
      Math.ceil(c.N / 16),
      Math.ceil(c.M / 16),
    );
  }
}
