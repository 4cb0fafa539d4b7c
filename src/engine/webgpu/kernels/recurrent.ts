// The fused recurrence of one layer over a range of steps, forward and backward
// (shaders/recurrent_forward.wgsl, shaders/recurrent_backward.wgsl). One dispatch loops over all steps.
import forwardWgsl from '../../../../shaders/recurrent_forward.wgsl?raw';
import backwardWgsl from '../../../../shaders/recurrent_backward.wgsl?raw';
import { cellInfo, lstmFlags, type ModelSpec } from '../../../core/spec';
import { cellTraits } from '../../../core/workspace';
import { CELL_CODE, KERNELS, type Bindings } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import { kernelProfile, type KernelProfile } from './profile';

/** How a layer's recurrence is laid out on the GPU: rows per workgroup, threads, saved-activation width. */
export interface RecurrentShape {
  H: number;
  G: number;
  AW: number; // row width of the saved activations (acts)
  rows: number; // batch rows per workgroup
  threads: number; // invocations per workgroup
  forwardWorkgroupBytes: number;
  backwardWorkgroupBytes: number;
  /** H too large for workgroup memory: the recurrent state is read from storage (one row per workgroup). */
  globalState: boolean;
  /**
   * Also the register-blocked entry points `tiled` (software adapters): TILE_ROWS rows per workgroup, state in
   * storage, `threads` threads; used for batches of at least TILED_MIN_BATCH rows.
   */
  tiled: boolean;
}

/** Batch rows per workgroup of the `tiled` entry points (TILE_ROWS in the shaders). */
export const TILE_ROWS = 8;
/**
 * The smallest batch that takes the `tiled` entry points. Measured on SwiftShader (W2's LSTM, H = 128): per core
 * the blocks are about twice as fast, but a batch of ≤ 8 rows is one workgroup on one core, and rows under
 * TILE_ROWS are computed for nothing — at B = 1, 4, 8 the per-unit path took 68, 232, 557 ms/step against
 * 323, 406, 632; at B = 16 it took 1018 against 927.
 */
export const TILED_MIN_BATCH = 2 * TILE_ROWS;

/**
 * Rows and threads per workgroup for the fused recurrence. When the state of even one batch row does not fit
 * in `maxWorkgroupBytes` (or `forceGlobalState`), the kernels keep it in storage instead, still looping over all
 * steps in one dispatch (a storageBarrier between steps).
 */
export function recurrentShape(
  spec: ModelSpec,
  maxThreads: number,
  profile: KernelProfile = kernelProfile('gpu'),
  maxWorkgroupBytes = 16384,
  forceGlobalState = false,
): RecurrentShape {
  const H = spec.hiddenSize;
  const { G, actsWidth: AW, gateRecurrence: fgr } = cellTraits(spec);
  // Enough rows to give a workgroup about 256 (row, unit) pairs; rows beyond B idle.
  const bytes = (rows: number) => Math.max(4 * rows * H * (fgr ? 4 : 1), 4 * rows * G * H);
  let rows = profile.recurrentRows ?? Math.max(1, Math.min(8, Math.floor(256 / H)));
  while (rows > 1 && bytes(rows) > maxWorkgroupBytes) rows = Math.max(1, Math.floor(rows / 2));
  const globalState = forceGlobalState || bytes(rows) > maxWorkgroupBytes;
  if (globalState) rows = 1;
  const threads = profile.recurrentThreads ?? Math.min(maxThreads, 256, Math.max(32, 2 ** Math.ceil(Math.log2(rows * H))));
  return {
    H, G, AW, rows, threads, globalState, tiled: profile.recurrentTiled,
    forwardWorkgroupBytes: globalState ? 16 : 4 * rows * H * (fgr ? 4 : 1),
    backwardWorkgroupBytes: globalState ? 16 : 4 * rows * G * H,
  };
}

/** Override constants of one entry point: `main` (per-unit, shape.rows rows) or `tiled` (TILE_ROWS rows). */
function cellConstants(spec: ModelSpec, shape: RecurrentShape, tiled: boolean): Record<string, number> {
  const info = cellInfo(spec.cell);
  const f = lstmFlags(spec.variant);
  const lstm = info.lstmVariants;
  const b = (v: boolean) => (v ? 1 : 0);
  return {
    CELL: CELL_CODE[spec.cell],
    H: shape.H,
    G: shape.G,
    GH: shape.G * shape.H,
    AW: shape.AW,
    ROWS: tiled ? TILE_ROWS : shape.rows,
    WG: shape.threads,
    LEAK: info.reservoir ? spec.esn.leak : 1,
    PEEP: b(lstm && f.peepholes),
    IN_GATE: b(!lstm || f.inputGate),
    FORGET_GATE: b(!lstm || f.forgetGate),
    OUT_GATE: b(!lstm || f.outputGate),
    IN_ACT: b(!lstm || f.inputActivation),
    OUT_ACT: b(!lstm || f.outputActivation),
    COUPLED: b(lstm && f.coupled),
    FGR: b(lstm && f.fullGateRecurrence),
    VEC4: b(shape.H % 4 === 0 && !shape.globalState && !tiled),
    GLOBAL_STATE: b(shape.globalState || tiled), // the tiled entry points read the state from storage
  };
}


export interface LayerOffsets {
  whhOff: number;
  bhhOff: number;
  peepOff: number;
  wggOff: number;
}

/** One entry point of recurrent_forward.wgsl with its constants. */
class ForwardPipeline extends Kernel<typeof KERNELS.recurrentForward> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape, tiled: boolean): Promise<ForwardPipeline> {
    const constants = cellConstants(spec, shape, tiled);
    const fgr = constants.FGR === 1;
    constants.FGR_SIZE = fgr && constants.GLOBAL_STATE === 0 ? constants.ROWS * 3 * shape.H : 1;
    constants.H_SIZE = constants.VEC4 || constants.GLOBAL_STATE ? 1 : constants.ROWS * shape.H;
    constants.H4_SIZE = constants.VEC4 ? (constants.ROWS * shape.H) / 4 : 1;
    return new ForwardPipeline(device, arena, counter, label, constants, tiled).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private constants: Record<string, number>, tiled: boolean) {
    super(
      device, arena,
      { label: `${label}:recurrent-forward${tiled ? '-tiled' : ''}`, contract: KERNELS.recurrentForward, code: forwardWgsl, entryPoint: tiled ? 'tiled' : 'main', constants },
      counter,
    );
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets): void {
    this.dispatch(pass, group, { B, t0, t1, ...off }, Math.ceil(B / this.constants.ROWS));
  }
}

/** The forward recurrence: the per-unit entry point, and on software adapters the register-blocked one too. */
export class RecurrentForwardKernel {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape): Promise<RecurrentForwardKernel> {
    const [perUnit, tiled] = await Promise.all([
      ForwardPipeline.create(device, arena, counter, label, spec, shape, false),
      shape.tiled ? ForwardPipeline.create(device, arena, counter, label, spec, shape, true) : Promise.resolve(null),
    ]);
    return new RecurrentForwardKernel(perUnit, tiled);
  }

  private constructor(private perUnit: ForwardPipeline, private tiled: ForwardPipeline | null) {}

  /** Both entry points have the same layout. */
  bind(label: string, buffers: Bindings<typeof KERNELS.recurrentForward>): GPUBindGroup {
    return this.perUnit.bind(label, buffers);
  }

  /** Steps [t0, t1) for a batch of B rows. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets): void {
    (this.tiled && B >= TILED_MIN_BATCH ? this.tiled : this.perUnit).run(pass, group, B, t0, t1, off);
  }
}


/** One entry point of recurrent_backward.wgsl with its constants. */
class BackwardPipeline extends Kernel<typeof KERNELS.recurrentBackward> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape, omega: boolean, tiled: boolean): Promise<BackwardPipeline> {
    const constants = cellConstants(spec, shape, tiled);
    constants.DN_SIZE = constants.GLOBAL_STATE ? 1 : constants.ROWS * shape.G * shape.H;
    constants.H4 = constants.VEC4 ? shape.H / 4 : 1;
    constants.OMEGA = omega ? 1 : 0;
    return new BackwardPipeline(device, arena, counter, label, constants, tiled).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private constants: Record<string, number>, tiled: boolean) {
    // with Ω the dc binding holds omegaV (Elman cells have no cell state)
    super(
      device, arena,
      {
        label: `${label}:recurrent-backward${constants.OMEGA ? '-omega' : ''}${tiled ? '-tiled' : ''}`,
        contract: KERNELS.recurrentBackward,
        code: backwardWgsl,
        entryPoint: tiled ? 'tiled' : 'main',
        constants,
      },
      counter,
    );
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets, dOff: number, dghOff: number): void {
    this.dispatch(pass, group, { B, t0, t1, whhOff: off.whhOff, peepOff: off.peepOff, wggOff: off.wggOff, dOff, dghOff }, Math.ceil(B / this.constants.ROWS));
  }
}

/** The reverse recurrence: the per-unit entry point, and on software adapters the register-blocked one too. */
export class RecurrentBackwardKernel {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape, omega: boolean): Promise<RecurrentBackwardKernel> {
    const [perUnit, tiled] = await Promise.all([
      BackwardPipeline.create(device, arena, counter, label, spec, shape, omega, false),
      shape.tiled ? BackwardPipeline.create(device, arena, counter, label, spec, shape, omega, true) : Promise.resolve(null),
    ]);
    return new RecurrentBackwardKernel(perUnit, tiled);
  }

  private constructor(private perUnit: BackwardPipeline, private tiled: BackwardPipeline | null) {}

  /** Both entry points have the same layout. */
  bind(label: string, buffers: Bindings<typeof KERNELS.recurrentBackward>): GPUBindGroup {
    return this.perUnit.bind(label, buffers);
  }

  /** Steps t1−1 down to t0. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets, dOff: number, dghOff: number): void {
    (this.tiled && B >= TILED_MIN_BATCH ? this.tiled : this.perUnit).run(pass, group, B, t0, t1, off, dOff, dghOff);
  }
}
