// Clipping + optimiser update over the flat parameter buffer (shaders/optimizer.wgsl).
import optimizerWgsl from '../../../../shaders/optimizer.wgsl?raw';
import type { OptimizerOptions } from '../../../core/optim';
import { CLIP_CODE, finiteOrMax, KERNELS, OPTIMIZER_CODE } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';
import type { KernelProfile } from './profile';

const CONTRACT = KERNELS.optimizer;

export class OptimizerKernel extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, profile: KernelProfile): Promise<OptimizerKernel> {
    return new OptimizerKernel(device, arena, counter, label, profile).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private profile: KernelProfile) {
    super(device, arena, { label: `${label}:optimizer`, contract: CONTRACT, code: optimizerWgsl }, counter);
  }

  record(pass: GPUComputePassEncoder, group: GPUBindGroup, p: { P: number; chunk: number; opt: OptimizerOptions; clipMode: keyof typeof CLIP_CODE; threshold: number; doUpdate: boolean }): void {
    const nwg = this.profile.parameterWorkgroups(p.P);
    const o = p.opt;
    this.dispatch(pass, group, {
      P: p.P, nwg, chunk: p.chunk, kind: OPTIMIZER_CODE[o.kind], clipMode: CLIP_CODE[p.clipMode], doUpdate: p.doUpdate ? 1 : 0,
      lr: o.lr, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2, alpha: o.alpha, eps: o.eps,
      threshold: finiteOrMax(p.threshold),
    }, nwg);
  }
}
