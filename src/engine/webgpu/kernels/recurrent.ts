// The fused recurrence of one layer over a range of steps, forward and backward
// (shaders/recurrent_forward.wgsl, shaders/recurrent_backward.wgsl). One dispatch loops over all steps.
import forwardWgsl from '../../../../shaders/recurrent_forward.wgsl?raw';
import backwardWgsl from '../../../../shaders/recurrent_backward.wgsl?raw';
import { gateCount, lstmFlags, type ModelSpec } from '../../../core/spec';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import { kernelProfile, type KernelProfile } from './profile';

const CELL_CODE = { rnn_tanh: 0, rnn_relu: 1, lstm: 2, gru: 3, esn: 4 } as const;

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
  /** The register-blocked entry point `tiled` (software adapters): TILE_ROWS rows per workgroup, state in storage. */
  tiled: boolean;
}

/** Batch rows per workgroup of the `tiled` entry points (TILE_ROWS in the shaders). */
export const TILE_ROWS = 8;

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
  const G = gateCount(spec.cell);
  const AW = spec.cell === 'lstm' || spec.cell === 'gru' ? 4 * H : spec.cell === 'esn' ? H : 1;
  const fgr = spec.cell === 'lstm' && lstmFlags(spec.variant).fullGateRecurrence;
  // Enough rows to give a workgroup about 256 (row, unit) pairs; rows beyond B idle.
  if (profile.recurrentTiled) {
    return { H, G, AW, rows: TILE_ROWS, threads: profile.recurrentThreads ?? 4, globalState: false, tiled: true, forwardWorkgroupBytes: 16, backwardWorkgroupBytes: 16 };
  }
  const bytes = (rows: number) => Math.max(4 * rows * H * (fgr ? 4 : 1), 4 * rows * G * H);
  let rows = Math.max(1, Math.min(8, Math.floor(256 / H)));
  while (rows > 1 && bytes(rows) > maxWorkgroupBytes) rows = Math.max(1, Math.floor(rows / 2));
  const globalState = forceGlobalState || bytes(rows) > maxWorkgroupBytes;
  if (globalState) rows = 1;
  const threads = profile.recurrentThreads ?? Math.min(maxThreads, 256, Math.max(32, 2 ** Math.ceil(Math.log2(rows * H))));
  return {
    H, G, AW, rows, threads, globalState, tiled: false,
    forwardWorkgroupBytes: globalState ? 16 : 4 * rows * H * (fgr ? 4 : 1),
    backwardWorkgroupBytes: globalState ? 16 : 4 * rows * G * H,
  };
}

function cellConstants(spec: ModelSpec, shape: RecurrentShape): Record<string, number> {
  const f = lstmFlags(spec.variant);
  const lstm = spec.cell === 'lstm';
  const b = (v: boolean) => (v ? 1 : 0);
  return {
    CELL: CELL_CODE[spec.cell],
    H: shape.H,
    G: shape.G,
    GH: shape.G * shape.H,
    AW: shape.AW,
    ROWS: shape.rows,
    WG: shape.threads,
    LEAK: spec.cell === 'esn' ? spec.esn.leak : 1,
    PEEP: b(lstm && f.peepholes),
    IN_GATE: b(!lstm || f.inputGate),
    FORGET_GATE: b(!lstm || f.forgetGate),
    OUT_GATE: b(!lstm || f.outputGate),
    IN_ACT: b(!lstm || f.inputActivation),
    OUT_ACT: b(!lstm || f.outputActivation),
    COUPLED: b(lstm && f.coupled),
    FGR: b(lstm && f.fullGateRecurrence),
    VEC4: b(shape.H % 4 === 0 && !shape.globalState && !shape.tiled),
    GLOBAL_STATE: b(shape.globalState || shape.tiled), // the tiled entry points read the state from storage
  };
}

type ForwardField = 'B' | 't0' | 't1' | 'whhOff' | 'bhhOff' | 'peepOff' | 'wggOff';
const FORWARD_FIELDS: readonly ForwardField[] = ['B', 't0', 't1', 'whhOff', 'bhhOff', 'peepOff', 'wggOff'];

export interface LayerOffsets {
  whhOff: number;
  bhhOff: number;
  peepOff: number;
  wggOff: number;
}

export class RecurrentForwardKernel extends Kernel<ForwardField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape): Promise<RecurrentForwardKernel> {
    const constants = cellConstants(spec, shape);
    const fgr = constants.FGR === 1;
    constants.FGR_SIZE = fgr && constants.GLOBAL_STATE === 0 ? shape.rows * 3 * shape.H : 1;
    constants.H_SIZE = constants.VEC4 || constants.GLOBAL_STATE ? 1 : shape.rows * shape.H;
    constants.H4_SIZE = constants.VEC4 ? (shape.rows * shape.H) / 4 : 1;
    return new RecurrentForwardKernel(device, arena, counter, label, constants, shape).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, constants: Record<string, number>, private shape: RecurrentShape) {
    // params, xp, hs, cs, acts, params again as vec4
    super(device, arena, { label: `${label}:recurrent-forward`, code: forwardWgsl, entryPoint: shape.tiled ? 'tiled' : 'main', bindings: ['read', 'read', 'rw', 'rw', 'rw', 'read'], constants }, { fields: FORWARD_FIELDS }, counter);
  }

  /** Steps [t0, t1) for a batch of B rows. Bind group order: params, xp, hs, cs, acts, params. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets): void {
    this.dispatch(pass, group, { B, t0, t1, ...off }, Math.ceil(B / this.shape.rows));
  }
}

type BackwardField = 'B' | 't0' | 't1' | 'whhOff' | 'peepOff' | 'wggOff' | 'dOff' | 'dghOff';
const BACKWARD_FIELDS: readonly BackwardField[] = ['B', 't0', 't1', 'whhOff', 'peepOff', 'wggOff', 'dOff', 'dghOff'];

export class RecurrentBackwardKernel extends Kernel<BackwardField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, spec: ModelSpec, shape: RecurrentShape, omega: boolean): Promise<RecurrentBackwardKernel> {
    const constants = cellConstants(spec, shape);
    constants.DN_SIZE = constants.GLOBAL_STATE ? 1 : shape.rows * shape.G * shape.H;
    constants.H4 = constants.VEC4 ? shape.H / 4 : 1;
    constants.OMEGA = omega ? 1 : 0;
    return new RecurrentBackwardKernel(device, arena, counter, label, constants, shape).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, constants: Record<string, number>, private shape: RecurrentShape) {
    // params, params as vec4, hs, cs, acts, dh, dc (omegaV with Ω), dG
    super(
      device, arena,
      { label: `${label}:recurrent-backward${constants.OMEGA ? '-omega' : ''}`, code: backwardWgsl, entryPoint: shape.tiled ? 'tiled' : 'main', bindings: ['read', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], constants },
      { fields: BACKWARD_FIELDS },
      counter,
    );
  }

  /** Steps t1−1 down to t0. Bind group order: params, params, hs, cs, acts, dh, dc (or omegaV), dG. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, off: LayerOffsets, dOff: number, dghOff: number): void {
    this.dispatch(pass, group, { B, t0, t1, whhOff: off.whhOff, peepOff: off.peepOff, wggOff: off.wggOff, dOff, dghOff }, Math.ceil(B / this.shape.rows));
  }
}
