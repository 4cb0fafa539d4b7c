// Clipping + optimiser update over the flat parameter buffer (shaders/optimizer.wgsl).
import optimizerWgsl from '../../../../shaders/optimizer.wgsl?raw';
import type { OptimizerOptions } from '../../../core/optim';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import type { KernelProfile } from './profile';
import { CLIP_CODE } from './reductions';

type Field = 'P' | 'nwg' | 'chunk' | 'kind' | 'clipMode' | 'doUpdate' | 'lr' | 'momentum' | 'beta1' | 'beta2' | 'alpha' | 'eps' | 'threshold';
const STRUCT = {
  fields: ['P', 'nwg', 'chunk', 'kind', 'clipMode', 'doUpdate', 'lr', 'momentum', 'beta1', 'beta2', 'alpha', 'eps', 'threshold'] as const,
  floats: ['lr', 'momentum', 'beta1', 'beta2', 'alpha', 'eps', 'threshold'] as const,
};
const KIND_CODE = { sgd: 0, momentum: 1, rmsprop: 2, adam: 3 } as const;

export class OptimizerKernel extends Kernel<Field> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<OptimizerKernel> {
    return new OptimizerKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    // params, grads, flags, slot0, slot1, metrics, counter
    super(device, arena, { label: `${label}:optimizer`, code: optimizerWgsl, bindings: ['rw', 'rw', 'read', 'rw', 'rw', 'read', 'read'] }, STRUCT, counter);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, p: { P: number; chunk: number; opt: OptimizerOptions; clipMode: keyof typeof CLIP_CODE; threshold: number; doUpdate: boolean }): void {
    const nwg = this.profile.parameterWorkgroups(p.P);
    const o = p.opt;
    this.dispatch(pass, group, {
      P: p.P, nwg, chunk: p.chunk, kind: KIND_CODE[o.kind], clipMode: CLIP_CODE[p.clipMode], doUpdate: p.doUpdate ? 1 : 0,
      lr: o.lr, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2, alpha: o.alpha, eps: o.eps,
      threshold: Number.isFinite(p.threshold) ? p.threshold : 3.4e38,
    }, nwg);
  }
}
