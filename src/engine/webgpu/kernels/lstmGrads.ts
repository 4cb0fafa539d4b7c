// Gradients of the peephole weights and of FGR's gate-to-gate matrix (shaders/lstm_grads.wgsl).
import lstmGradsWgsl from '../../../../shaders/lstm_grads.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

type Field = 'B' | 't0' | 't1' | 'outOff';
const STRUCT = { fields: ['B', 't0', 't1', 'outOff'] as const };

export class LstmParamGradKernel extends Kernel<Field> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, which: 'peepholes' | 'gateRecurrence'): Promise<LstmParamGradKernel> {
    return new LstmParamGradKernel(device, arena, counter, label, H, which).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, private H: number, private which: 'peepholes' | 'gateRecurrence') {
    // dG, cs, acts, grads
    super(device, arena, { label: `${label}:lstm-${which}-grad`, code: lstmGradsWgsl, entryPoint: which, bindings: ['read', 'read', 'read', 'rw'], constants: { H } }, STRUCT, counter);
  }

  /** Sums over the window [t0, t1) into grads at outOff. Bind group order: dG, cs, acts, grads. */
  record(pass: GPUComputePassEncoder, group: GPUBindGroup, B: number, t0: number, t1: number, outOff: number): void {
    const n = 3 * this.H;
    if (this.which === 'peepholes') this.dispatch(pass, group, { B, t0, t1, outOff }, Math.ceil(n / 64));
    else this.dispatch(pass, group, { B, t0, t1, outOff }, Math.ceil(n / 8), Math.ceil(n / 8));
  }
}
