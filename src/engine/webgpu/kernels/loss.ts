// Loss and ∂loss/∂outputs per (t, b) row (shaders/loss.wgsl).
import lossWgsl from '../../../../shaders/loss.wgsl?raw';
import { KERNELS } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

const CONTRACT = KERNELS.loss;

export class LossKernel extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string): Promise<LossKernel> {
    return new LossKernel(device, arena, counter, label).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string) {
    super(device, arena, { label: `${label}:loss`, contract: CONTRACT, code: lossWgsl }, counter);
  }

  /** Rows of steps [w0, t1): loss where t ≥ t0 and selected, dOut = 0 elsewhere. count = 0 gives dOut = 0. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, p: { B: number; Y: number; w0: number; t0: number; t1: number; xent: boolean; count: number }): void {
    const rows = (p.t1 - p.w0) * p.B;
    this.dispatch(pass, group, { B: p.B, Y: p.Y, w0: p.w0, t0: p.t0, t1: p.t1, xent: p.xent ? 1 : 0, invCount: p.count > 0 ? 1 / p.count : 0 }, Math.ceil(rows / CONTRACT.constants.WG));
  }
}
