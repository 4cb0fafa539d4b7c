// Everything the WebGPU engine builds once per model: the kernels (pipelines compiled asynchronously), where
// each layer's tensors sit in the flat parameter buffer, and the per-parameter flags.
import type { ModelSpec, ParamLayout, TensorInfo } from '../../core/spec';
import { findTensor } from '../../core/spec';
import { PARAM_FLAGS, type CellTraits } from '../../core/workspace';
import { GemmKernel } from './kernels/gemm';
import type { DispatchCounter } from './kernels/kernel';
import { LossKernel } from './kernels/loss';
import { LstmParamGradKernel } from './kernels/lstmGrads';
import { OmegaKernel } from './kernels/omega';
import { OptimizerKernel } from './kernels/optimizer';
import type { KernelProfile } from './kernels/profile';
import { RecurrentBackwardKernel, RecurrentForwardKernel, type LayerOffsets, type RecurrentShape } from './kernels/recurrent';
import { FinalizeKernel, GradPartialsKernel, StepNormsKernel } from './kernels/reductions';
import { RowNormsKernel } from './kernels/rowNorms';
import type { UniformArena } from './uniforms';
import type { BufferSet } from './buffers';

export interface Kernels {
  gemm: GemmKernel;
  forward: RecurrentForwardKernel;
  backward: RecurrentBackwardKernel;
  backwardOmega: RecurrentBackwardKernel | null; // Elman cells: the backward that also saves Ω's v_t
  loss: LossKernel;
  peepholes: LstmParamGradKernel | null;
  gateRecurrence: LstmParamGradKernel | null;
  omega: OmegaKernel | null;
  norms: StepNormsKernel;
  partials: GradPartialsKernel;
  finalize: FinalizeKernel;
  optimizer: OptimizerKernel;
  rowNorms: RowNormsKernel;
}

export async function createKernels(
  device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string,
  spec: ModelSpec, cell: CellTraits, profile: KernelProfile, shape: RecurrentShape,
): Promise<Kernels> {
  const H = spec.hiddenSize;
  const none = Promise.resolve(null);
  const [gemm, forward, backward, backwardOmega, loss, peepholes, gateRecurrence, omega, norms, partials, finalize, optimizer, rowNorms] = await Promise.all([
    GemmKernel.create(device, arena, counter, label, profile.gemm),
    RecurrentForwardKernel.create(device, arena, counter, label, spec, shape),
    RecurrentBackwardKernel.create(device, arena, counter, label, spec, shape, false),
    cell.omega ? RecurrentBackwardKernel.create(device, arena, counter, label, spec, shape, true) : none,
    LossKernel.create(device, arena, counter, label),
    cell.peepholes ? LstmParamGradKernel.create(device, arena, counter, label, H, 'peepholes') : none,
    cell.gateRecurrence ? LstmParamGradKernel.create(device, arena, counter, label, H, 'gateRecurrence') : none,
    cell.omega ? OmegaKernel.create(device, arena, counter, label, H) : none,
    StepNormsKernel.create(device, arena, counter, label, profile),
    GradPartialsKernel.create(device, arena, counter, label, profile),
    FinalizeKernel.create(device, arena, counter, label, profile),
    OptimizerKernel.create(device, arena, counter, label, profile),
    RowNormsKernel.create(device, arena, counter, label),
  ]);
  return { gemm, forward, backward, backwardOmega, loss, peepholes, gateRecurrence, omega, norms, partials, finalize, optimizer, rowNorms };
}

/** Where each layer's tensors sit in the flat parameter (and gradient) buffer. */
export interface LayerTensors extends LayerOffsets {
  inSize: number;
  wihOff: number;
  bihOff: number;
  trainable: boolean;
}

export function layerTensors(spec: ModelSpec, layout: ParamLayout): LayerTensors[] {
  return Array.from({ length: spec.numLayers }, (_, l) => {
    const t = (role: TensorInfo['role']) => findTensor(layout, role, l);
    return {
      inSize: l === 0 ? spec.inputSize : spec.hiddenSize,
      wihOff: t('weight_ih')!.offset,
      bihOff: t('bias_ih')!.offset,
      whhOff: t('weight_hh')!.offset,
      bhhOff: t('bias_hh')!.offset,
      peepOff: t('peephole')?.offset ?? 0,
      wggOff: t('weight_gg')?.offset ?? 0,
      trainable: t('weight_hh')!.trainable,
    };
  });
}

const L2_ROLES = new Set<TensorInfo['role']>(['weight_ih', 'weight_hh', 'weight_gg', 'head_weight']);

/** (P) flag words: TRAINABLE for what the optimiser moves, L2_MATRIX for the weight matrices L2 penalises. */
export function paramFlags(layout: ParamLayout): Uint32Array {
  const words = new Uint32Array(layout.size);
  for (const t of layout.tensors) {
    const f = (t.trainable ? PARAM_FLAGS.TRAINABLE : 0) | (t.trainable && L2_ROLES.has(t.role) ? PARAM_FLAGS.L2_MATRIX : 0);
    words.fill(f, t.offset, t.offset + t.size);
  }
  return words;
}

/** A model on the GPU: its spec and cell traits, kernels, tensor offsets and per-model buffers. */
export interface GpuModel {
  spec: ModelSpec;
  cell: CellTraits;
  profile: KernelProfile;
  layout: ParamLayout;
  P: number;
  shape: RecurrentShape;
  layers: LayerTensors[];
  headWOff: number;
  headBOff: number;
  buffers: BufferSet<'model'>;
  kernels: Kernels;
  partialsGroup: GPUBindGroup;
}
