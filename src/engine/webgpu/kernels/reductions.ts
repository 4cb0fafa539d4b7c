// The GPU-side metrics: per-step gradient norms, the global gradient norm with the L2 penalty folded in,
// and the per-chunk finalisation (shaders/step_norms.wgsl, grad_partials.wgsl, finalize.wgsl).
import finalizeWgsl from '../../../../shaders/finalize.wgsl?raw';
import gradPartialsWgsl from '../../../../shaders/grad_partials.wgsl?raw';
import stepNormsWgsl from '../../../../shaders/step_norms.wgsl?raw';
import stepNormsSubgroupsWgsl from '../../../../shaders/step_norms_subgroups.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import type { KernelProfile } from './profile';

type NormsField = 'T' | 'B' | 'H' | 'L' | 't0' | 'outOff';
const NORMS = { fields: ['T', 'B', 'H', 'L', 't0', 'outOff'] as const };

export class StepNormsKernel extends Kernel<NormsField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<StepNormsKernel> {
    return new StepNormsKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile) {
    // With subgroups (and more than one thread to reduce) the subgroupAdd variant; the plain tree otherwise.
    const threads = Math.min(64, profile.reductionThreads);
    const subgroups = profile.subgroups && threads > 1;
    super(
      device, arena,
      { label: `${label}:step-norms${subgroups ? '-subgroups' : ''}`, code: subgroups ? stepNormsSubgroupsWgsl : stepNormsWgsl, bindings: ['read', 'read', 'rw'], constants: { WG: threads } },
      NORMS,
      counter,
    );
  }

  /** ‖dh_t‖ (and ‖dc_t‖ when withCells) for t in [t0, t1), all layers. Bind group order: dh, dc, out. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, p: { T: number; B: number; H: number; L: number; t0: number; t1: number; outOff: number; withCells: boolean }): void {
    this.dispatch(pass, group, { T: p.T, B: p.B, H: p.H, L: p.L, t0: p.t0, outOff: p.outOff }, p.t1 - p.t0, p.L, p.withCells ? 2 : 1);
  }
}

type PartialsField = 'P' | 'nwg' | 'l2' | 'threshold';
const PARTIALS = { fields: ['P', 'nwg', 'l2', 'threshold'] as const, floats: ['l2', 'threshold'] as const };

export class GradPartialsKernel extends Kernel<PartialsField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<GradPartialsKernel> {
    return new GradPartialsKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    // params, grads, flags, partials
    super(device, arena, { label: `${label}:grad-partials`, code: gradPartialsWgsl, bindings: ['read', 'rw', 'read', 'rw'], constants: { WG: profile.reductionThreads } }, PARTIALS, counter);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, P: number, l2: number, threshold: number): void {
    const nwg = this.profile.parameterWorkgroups(P);
    this.dispatch(pass, group, { P, nwg, l2, threshold: Number.isFinite(threshold) ? threshold : 3.4e38 }, nwg);
  }
}

type FinalizeField = 'B' | 't0' | 't1' | 'chunk' | 'nwg' | 'clipMode' | 'doUpdate' | 'l2' | 'threshold' | 'omegaRows' | 'maxNorm';
const FINALIZE = {
  fields: ['B', 't0', 't1', 'chunk', 'nwg', 'clipMode', 'doUpdate', 'l2', 'threshold', 'omegaRows', 'maxNorm'] as const,
  floats: ['l2', 'threshold', 'maxNorm'] as const,
};

export const CLIP_CODE = { none: 0, norm: 1, value: 2 } as const;

export class FinalizeKernel extends Kernel<FinalizeField> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<FinalizeKernel> {
    return new FinalizeKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    // partials, rowLoss, omegaTerms, metrics, counter
    super(device, arena, { label: `${label}:finalize`, code: finalizeWgsl, bindings: ['read', 'read', 'read', 'rw', 'rw'], constants: { WG: profile.reductionThreads } }, FINALIZE, counter);
  }

  record(
    pass: GPUComputePassEncoder,
    group: GPUBindGroup,
    p: { B: number; t0: number; t1: number; chunk: number; P: number; clipMode: keyof typeof CLIP_CODE; doUpdate: boolean; l2: number; threshold: number; omegaRows: number; maxNorm: number },
  ): void {
    this.dispatch(pass, group, {
      B: p.B, t0: p.t0, t1: p.t1, chunk: p.chunk, nwg: this.profile.parameterWorkgroups(p.P), clipMode: CLIP_CODE[p.clipMode],
      doUpdate: p.doUpdate ? 1 : 0, l2: p.l2, threshold: Number.isFinite(p.threshold) ? p.threshold : 3.4e38, omegaRows: p.omegaRows,
      maxNorm: Number.isFinite(p.maxNorm) ? p.maxNorm : 3.4e38,
    }, 1);
  }
}
