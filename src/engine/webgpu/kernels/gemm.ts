// C (M, N) = A (M, K) · B (K, N) [+ bias], every operand a strided view into its buffer (shaders/gemm.wgsl).
import gemmWgsl from '../../../../shaders/gemm.wgsl?raw';
import { KERNELS, type Bindings } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';


const CONTRACT = KERNELS.gemm;

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
  /** Also write Σ_k A[row, k] for every row to C at this offset (M values): the bias gradient of dW = dGᵀ·X. */
  rowSumOff?: number;
}

/** The software variant's outputs per thread along each side (BLOCK in shaders/gemm.wgsl: its registers are 8 × 8). */
export const SOFTWARE_BLOCK = 8;
/** Most workgroups along x of one dispatch (the grid wraps into y past it). */
const GRID_X = 4096;

type Entry = 'main' | 'direct8x8';

class GemmPipeline extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, entry: Entry): Promise<GemmPipeline> {
    return new GemmPipeline(device, arena, counter, label, entry).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private entry: Entry) {
    super(device, arena, { label: `${label}:gemm-${entry}`, contract: CONTRACT, code: gemmWgsl, entryPoint: entry }, counter);
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, c: GemmCall): void {
    const { TILE, BLOCK_THREADS } = CONTRACT.constants;
    let grid: [number, number];
    if (this.entry === 'main') {
      grid = [Math.ceil(c.N / TILE), Math.ceil(c.M / TILE)];
    } else {
      // 8×8 blocks numbered row-major over (x, y) workgroups of BLOCK_THREADS threads.
      const workgroups = Math.ceil((Math.ceil(c.M / SOFTWARE_BLOCK) * Math.ceil(c.N / SOFTWARE_BLOCK)) / BLOCK_THREADS);
      grid = [Math.min(workgroups, GRID_X), Math.ceil(workgroups / GRID_X)];
    }
    this.dispatch(
      pass,
      group,
      {
        M: c.M, N: c.N, K: c.K,
        aOff: c.a.off, aRowStride: c.a.rowStride, aColStride: c.a.colStride,
        bOff: c.b.off, bRowStride: c.b.rowStride, bColStride: c.b.colStride,
        cOff: c.cOff, cRowStride: c.cRowStride,
        biasOff: c.biasOff ?? 0, hasBias: c.biasOff === undefined ? 0 : 1,
        rowSumOff: c.rowSumOff ?? 0, hasRowSum: c.rowSumOff === undefined ? 0 : 1,
      },
      grid[0],
      grid[1],
    );
  }
}

/**
 * tiled: 16×16 tiles through workgroup memory (GPUs). direct: no barriers (software adapters), an 8×8 block of
 * outputs per thread whatever the shape (a one-column head included). Both share one bind-group layout.
 */
export class GemmKernel {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, variant: GemmVariant): Promise<GemmKernel> {
    return new GemmKernel(await GemmPipeline.create(device, arena, counter, label, variant === 'tiled' ? 'main' : 'direct8x8'));
  }

  private constructor(private pipeline: GemmPipeline) {}

  bind(label: string, buffers: Bindings<typeof CONTRACT>): GPUBindGroup {
    return this.pipeline.bind(label, buffers);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, c: GemmCall): void {
    this.pipeline.run(pass, group, c);
  }
}
