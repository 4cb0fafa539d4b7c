// Pascanu's Ω penalty on Elman layers: its value terms and its W_hh gradient (shaders/omega.wgsl).
import omegaWgsl from '../../../../shaders/omega.wgsl?raw';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

type Field = 'T' | 'B' | 'L' | 'layer' | 'w0' | 't1' | 'whhOff' | 'dOff' | 'weight';
const STRUCT = { fields: ['T', 'B', 'L', 'layer', 'w0', 't1', 'whhOff', 'dOff', 'weight'] as const, floats: ['weight'] as const };
const BINDINGS = ['read', 'read', 'read', 'read', 'rw', 'rw'] as const; // params, dh, dG, omegaV, terms, grads

class OmegaPart extends Kernel<Field> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, entryPoint: string): Promise<OmegaPart> {
    return new OmegaPart(device, arena, counter, label, H, entryPoint).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, entryPoint: string) {
    super(device, arena, { label: `${label}:omega-${entryPoint}`, code: omegaWgsl, entryPoint, bindings: BINDINGS, constants: { H } }, STRUCT, counter);
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, values: Record<Field, number>, x: number, y = 1): void {
    this.dispatch(pass, group, values, x, y);
  }
}

export interface OmegaCall {
  T: number;
  B: number;
  L: number;
  layer: number;
  w0: number;
  t1: number;
  weight: number;
  whhOff: number;
  dOff: number;
}

/** Two dispatches per layer: coefficients per (t, b), then the gradient per W_hh element. */
export class OmegaKernel {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number): Promise<OmegaKernel> {
    const [coefficients, gradient] = await Promise.all([
      OmegaPart.create(device, arena, counter, label, H, 'coefficients'),
      OmegaPart.create(device, arena, counter, label, H, 'gradient'),
    ]);
    return new OmegaKernel(coefficients, gradient, H);
  }

  private constructor(private coefficients: OmegaPart, private gradient: OmegaPart, private H: number) {}

  /** Both parts share one bind-group layout shape; bind with the coefficients part. Order: params, dh, dG, omegaV, terms, grads. */
  bind(label: string, buffers: readonly GPUBuffer[]): { coefficients: GPUBindGroup; gradient: GPUBindGroup } {
    return { coefficients: this.coefficients.bind(label, buffers), gradient: this.gradient.bind(label, buffers) };
  }

  record(pass: GPUComputePassEncoder, groups: { coefficients: GPUBindGroup; gradient: GPUBindGroup }, c: OmegaCall): void {
    const values = { ...c };
    this.coefficients.run(pass, groups.coefficients, values, Math.ceil((c.T * c.B) / 64));
    this.gradient.run(pass, groups.gradient, values, Math.ceil(this.H / 8), Math.ceil(this.H / 8));
  }
}
