// The GPU-side metrics: per-step gradient norms, the global gradient norm with the L2 penalty folded in,
// and the per-chunk finalisation (shaders/step_norms.wgsl, grad_partials.wgsl, finalize.wgsl).
import finalizeWgsl from '../../../../shaders/finalize.wgsl?raw';
import gradPartialsWgsl from '../../../../shaders/grad_partials.wgsl?raw';
import stepNormsWgsl from '../../../../shaders/step_norms.wgsl?raw';
import stepNormsSubgroupsWgsl from '../../../../shaders/step_norms_subgroups.wgsl?raw';
import { CLIP_CODE, finiteOrMax, KERNELS } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import type { KernelProfile } from './profile';

/** Threads of the step-norm reduction: at most 64 (a step has B·H numbers, often few). */
const STEP_NORM_THREADS = 64;

export class StepNormsKernel extends Kernel<typeof KERNELS.stepNorms> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<StepNormsKernel> {
    return new StepNormsKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile) {
    // With subgroups (and more than one thread to reduce) the subgroupAdd variant; the plain tree otherwise.
    const threads = Math.min(STEP_NORM_THREADS, profile.reductionThreads);
    const subgroups = profile.subgroups && threads > 1;
    super(
      device, arena,
      { label: `${label}:step-norms${subgroups ? '-subgroups' : ''}`, contract: KERNELS.stepNorms, code: subgroups ? stepNormsSubgroupsWgsl : stepNormsWgsl, constants: { WG: threads } },
      counter,
    );
  }

  /** ‖dh_t‖ (and ‖dc_t‖ when withCells) for t in [t0, t1), all layers. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, p: { T: number; B: number; H: number; L: number; t0: number; t1: number; outOff: number; withCells: boolean }): void {
    this.dispatch(pass, group, { T: p.T, B: p.B, H: p.H, L: p.L, t0: p.t0, outOff: p.outOff }, p.t1 - p.t0, p.L, p.withCells ? 2 : 1);
  }
}

export class GradPartialsKernel extends Kernel<typeof KERNELS.gradPartials> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<GradPartialsKernel> {
    return new GradPartialsKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    super(device, arena, { label: `${label}:grad-partials`, contract: KERNELS.gradPartials, code: gradPartialsWgsl, constants: { WG: profile.reductionThreads } }, counter);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, P: number, l2: number, threshold: number): void {
    const nwg = this.profile.parameterWorkgroups(P);
    this.dispatch(pass, group, { P, nwg, l2, threshold: finiteOrMax(threshold) }, nwg);
  }
}

export class FinalizeKernel extends Kernel<typeof KERNELS.finalize> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<FinalizeKernel> {
    return new FinalizeKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    super(device, arena, { label: `${label}:finalize`, contract: KERNELS.finalize, code: finalizeWgsl, constants: { WG: profile.reductionThreads } }, counter);
  }

  record(
    pass: GPUComputePassEncoder,
    group: GPUBindGroup,
    p: { B: number; t0: number; t1: number; chunk: number; P: number; clipMode: keyof typeof CLIP_CODE; doUpdate: boolean; l2: number; threshold: number; omegaRows: number; maxNorm: number },
  ): void {
    this.dispatch(pass, group, {
      B: p.B, t0: p.t0, t1: p.t1, chunk: p.chunk, nwg: this.profile.parameterWorkgroups(p.P), clipMode: CLIP_CODE[p.clipMode],
      doUpdate: p.doUpdate ? 1 : 0, l2: p.l2, threshold: finiteOrMax(p.threshold), omegaRows: p.omegaRows,
      maxNorm: finiteOrMax(p.maxNorm),
    }, 1);
  }
}
