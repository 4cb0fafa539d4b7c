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

export type GemmVariant = 'tiled' | 'direct';

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

/** The software variant computes 4×4 blocks per thread when both sides have at least this many outputs. */
export const BLOCK_MIN_SIDE = 4;

type Entry = 'main' | 'direct4x4' | 'direct1x1';

class GemmPipeline extends Kernel<GemmField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, entry: Entry): Promise<GemmPipeline> {
    return new GemmPipeline(device, arena, counter, label, entry).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private entry: Entry) {
    super(device, arena, { label: `${label}:gemm-${entry}`, code: gemmWgsl, entryPoint: entry, bindings: ['read', 'read', 'read', 'rw'] }, { fields: FIELDS }, counter);
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, c: GemmCall): void {
    const per = this.entry === 'main' ? 16 : 32;
    // direct1x1 numbers outputs row-major over a (x, y) grid of 64-thread workgroups.
    const flat = Math.ceil((c.M * c.N) / 64);
    const grid = this.entry === 'direct1x1' ? [Math.min(flat, 4096), Math.ceil(flat / 4096)] : [Math.ceil(c.N / per), Math.ceil(c.M / per)];
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
      grid[0],
      grid[1],
    );
  }
}

/**
 * tiled: 16×16 tiles through workgroup memory (GPUs). direct: no barriers (software adapters), 4×4 blocks per
 * thread for large outputs and one output per thread for small ones. All entry points share one bind-group layout.
 */
export class GemmKernel {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, variant: GemmVariant): Promise<GemmKernel> {
    if (variant === 'tiled') return new GemmKernel(await GemmPipeline.create(device, arena, counter, label, 'main'), null);
    const [block, single] = await Promise.all([
      GemmPipeline.create(device, arena, counter, label, 'direct4x4'),
      GemmPipeline.create(device, arena, counter, label, 'direct1x1'),
    ]);
    return new GemmKernel(block, single);
  }

  private constructor(private main: GemmPipeline, private small: GemmPipeline | null) {}

  /** Bind group order: A, B, bias, C. */
  bind(label: string, buffers: readonly GPUBuffer[]): GPUBindGroup {
    return this.main.bind(label, buffers);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, c: GemmCall): void {
    if (this.small && (c.M < BLOCK_MIN_SIDE || c.N < BLOCK_MIN_SIDE)) this.small.run(pass, group, c);
    else this.main.run(pass, group, c);
  }
}
