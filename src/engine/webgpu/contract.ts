// The TypeScript side of every kernel's WGSL interface, written once: its source file, its uniform struct
// (`struct Params`, fields in declaration order), its storage bindings by name (binding index = position), the
// override constants that size its workgroups, and the codes shared through common.wgsl.
// tests/unit/wgsl-contract.test.ts parses the shaders and checks each of these against them.
import { CELLS, cellInfo, type CellKind } from '../../core/spec';
import { METRICS_RECORD, PARAM_FLAGS } from '../../core/workspace';

/** How a kernel sees a @group(0) binding. */
export type Access = 'read' | 'rw';

export interface KernelContract {
  /** Files under shaders/ with this interface (variants of one kernel share it). */
  sources: readonly string[];
  uniforms: { fields: readonly string[]; floats?: readonly string[] };
  /** Storage bindings, WGSL variable name → access, in binding order. */
  bindings: Readonly<Record<string, Access>>;
  /** Override constants with a fixed value, among them every fixed workgroup size. */
  constants: Readonly<Record<string, number>>;
}

/** The recurrent shaders' CELL codes, from the cell registry (common.wgsl names each; the contract test checks them). */
export const CELL_CODE = Object.fromEntries(CELLS.map((c) => [c, cellInfo(c).wgsl.code])) as Record<CellKind, number>;
export const CLIP_CODE = { none: 0, norm: 1, value: 2 } as const;
export const OPTIMIZER_CODE = { sgd: 0, momentum: 1, rmsprop: 2, adam: 3 } as const;

const upperSnake = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
const prefixed = (prefix: string, table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [prefix + upperSnake(k), v]));

/** The `const` declarations of common.wgsl, by WGSL name: cell, clip and optimiser codes, flag bits, record layout. */
export const WGSL_SHARED_CONSTANTS: Readonly<Record<string, number>> = {
  ...prefixed('', CELL_CODE),
  ...prefixed('CLIP_', CLIP_CODE),
  ...prefixed('OPT_', OPTIMIZER_CODE),
  ...PARAM_FLAGS,
  ...prefixed('RECORD_', METRICS_RECORD),
};

/** Largest f32 below +Inf: an infinite threshold or guard travels as this (uniforms cannot hold Inf portably). */
export const F32_MAX = 3.4e38;
export const finiteOrMax = (v: number) => (Number.isFinite(v) ? v : F32_MAX);

export const KERNELS = {
  gemm: {
    sources: ['gemm.wgsl'],
    uniforms: { fields: ['M', 'N', 'K', 'aOff', 'aRowStride', 'aColStride', 'bOff', 'bRowStride', 'bColStride', 'cOff', 'cRowStride', 'biasOff', 'hasBias', 'rowSumOff', 'hasRowSum'] },
    bindings: { A: 'read', Bm: 'read', bias: 'read', C: 'rw' },
    // TILE: the tiled entry point's TILE × TILE outputs per workgroup; BLOCK_THREADS: direct8x8's threads
    constants: { TILE: 16, BLOCK_THREADS: 4 },
  },
  recurrentForward: {
    sources: ['recurrent_forward.wgsl'],
    uniforms: { fields: ['B', 't0', 't1', 'whhOff', 'bhhOff', 'peepOff', 'wggOff'] },
    bindings: { params: 'read', xp: 'read', hs: 'rw', cs: 'rw', acts: 'rw', params4: 'read' },
    constants: {}, // WG, ROWS and the cell's switches come from the model (kernels/recurrent.ts)
  },
  recurrentBackward: {
    sources: ['recurrent_backward.wgsl'],
    uniforms: { fields: ['B', 't0', 't1', 'whhOff', 'peepOff', 'wggOff', 'dOff', 'dghOff'] },
    bindings: { params: 'read', params4: 'read', hs: 'read', cs: 'read', acts: 'read', dh: 'rw', dc: 'rw', dG: 'rw' },
    constants: {},
  },
  loss: {
    sources: ['loss.wgsl'],
    uniforms: { fields: ['B', 'Y', 'w0', 't0', 't1', 'xent', 'invCount'], floats: ['invCount'] },
    bindings: { outputs: 'read', targets: 'read', labels: 'read', selected: 'read', dOut: 'rw', rowLoss: 'rw' },
    constants: { WG: 64 },
  },
  lstmGrads: {
    sources: ['lstm_grads.wgsl'],
    uniforms: { fields: ['B', 't0', 't1', 'outOff'] },
    bindings: { dG: 'read', cs: 'read', acts: 'read', grads: 'rw' },
    constants: { WG: 64, TILE: 8 },
  },
  omega: {
    sources: ['omega.wgsl'],
    uniforms: { fields: ['T', 'B', 'L', 'layer', 'w0', 't1', 'whhOff', 'dOff', 'weight'], floats: ['weight'] },
    bindings: { params: 'read', dh: 'read', dG: 'read', omegaV: 'read', terms: 'rw', grads: 'rw' },
    constants: { WG: 64, TILE: 8 },
  },
  stepNorms: {
    sources: ['step_norms.wgsl', 'step_norms_subgroups.wgsl'],
    uniforms: { fields: ['T', 'B', 'H', 'L', 't0', 'outOff'] },
    bindings: { dh: 'read', dc: 'read', norms: 'rw' },
    constants: {}, // WG from the profile
  },
  gradPartials: {
    sources: ['grad_partials.wgsl'],
    uniforms: { fields: ['P', 'nwg', 'l2', 'threshold'], floats: ['l2', 'threshold'] },
    bindings: { params: 'read', grads: 'rw', flags: 'read', partials: 'rw' },
    constants: {},
  },
  finalize: {
    sources: ['finalize.wgsl'],
    uniforms: {
      fields: ['B', 't0', 't1', 'chunk', 'nwg', 'clipMode', 'doUpdate', 'l2', 'threshold', 'omegaRows', 'maxNorm'],
      floats: ['l2', 'threshold', 'maxNorm'],
    },
    bindings: { partials: 'read', rowLoss: 'read', omegaTerms: 'read', metrics: 'rw', counter: 'rw' },
    constants: {},
  },
  optimizer: {
    sources: ['optimizer.wgsl'],
    uniforms: {
      fields: ['P', 'nwg', 'chunk', 'kind', 'clipMode', 'doUpdate', 'lr', 'momentum', 'beta1', 'beta2', 'alpha', 'eps', 'threshold'],
      floats: ['lr', 'momentum', 'beta1', 'beta2', 'alpha', 'eps', 'threshold'],
    },
    bindings: { params: 'rw', grads: 'rw', flags: 'read', slot0: 'rw', slot1: 'rw', metrics: 'read', counter: 'read' },
    constants: { WG: 256 },
  },
  rowNorms: {
    sources: ['row_norms.wgsl'],
    uniforms: { fields: ['M', 'N', 'srcOff', 'outOff'] },
    bindings: { src: 'read', out: 'rw' },
    constants: { WG: 64 },
  },
} as const satisfies Record<string, KernelContract>;

export type KernelName = keyof typeof KERNELS;
/** A kernel's uniform field names. */
export type UniformField<C extends KernelContract> = C['uniforms']['fields'][number];
/** A bind group's buffers, by binding name. */
export type Bindings<C extends KernelContract> = { readonly [N in keyof C['bindings']]: GPUBuffer };
