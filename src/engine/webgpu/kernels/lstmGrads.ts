// Gradients of the peephole weights and of FGR's gate-to-gate matrix (shaders/lstm_grads.wgsl).
import lstmGradsWgsl from '../../../../shaders/lstm_grads.wgsl?raw';
import { KERNELS } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

const CONTRACT = KERNELS.lstmGrads;

export class LstmParamGradKernel extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, which: 'peepholes' | 'gateRecurrence'): Promise<LstmParamGradKernel> {
    return new LstmParamGradKernel(device, arena, counter, label, H, which).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private H: number, private which: 'peepholes' | 'gateRecurrence') {
    super(device, arena, { label: `${label}:lstm-${which}-grad`, contract: CONTRACT, code: lstmGradsWgsl, entryPoint: which, constants: { H } }, counter);
  }

  /** Sums over the window [t0, t1) into grads at outOff. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, outOff: number): void {
    const n = 3 * this.H;
    const { WG, TILE } = CONTRACT.constants;
    if (this.which === 'peepholes') this.dispatch(pass, group, { B, t0, t1, outOff }, Math.ceil(n / WG));
    else this.dispatch(pass, group, { B, t0, t1, outOff }, Math.ceil(n / TILE), Math.ceil(n / TILE));
  }
}
