// Pascanu's Ω penalty on Elman layers: its value terms and its W_hh gradient (shaders/omega.wgsl).
import omegaWgsl from '../../../../shaders/omega.wgsl?raw';
import { KERNELS, type Bindings, type UniformField } from '../contract';
import type { UniformArena } from '../uniforms';
import { DispatchCounter, Kernel } from './kernel';

const CONTRACT = KERNELS.omega;
type Field = UniformField<typeof CONTRACT>;

class OmegaPart extends Kernel<typeof CONTRACT> {
  static async create(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, entryPoint: string): Promise<OmegaPart> {
    return new OmegaPart(device, arena, counter, label, H, entryPoint).build();
  }

  private constructor(device: GPUDevice, arena: UniformArena, counter: DispatchCounter, label: string, H: number, entryPoint: string) {
    super(device, arena, { label: `${label}:omega-${entryPoint}`, contract: CONTRACT, code: omegaWgsl, entryPoint, constants: { H } }, counter);
  }

  run(pass: GPUComputePassEncoder, group: GPUBindGroup, values: Record<Field, number>, x: number, y = 1): void {
    this.dispatch(pass, group, values, x, y);
  }
}

export type OmegaCall = Record<Field, number>;
export interface OmegaGroups {
  coefficients: GPUBindGroup;
  gradient: GPUBindGroup;
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

  /** Both parts take the same buffers. */
  bind(label: string, buffers: Bindings<typeof CONTRACT>): OmegaGroups {
    return { coefficients: this.coefficients.bind(label, buffers), gradient: this.gradient.bind(label, buffers) };
  }

  record(pass: GPUComputePassEncoder, groups: OmegaGroups, c: OmegaCall): void {
    const { WG, TILE } = CONTRACT.constants;
    this.coefficients.run(pass, groups.coefficients, c, Math.ceil((c.T * c.B) / WG));
    this.gradient.run(pass, groups.gradient, c, Math.ceil(this.H / TILE), Math.ceil(this.H / TILE));
  }
}
