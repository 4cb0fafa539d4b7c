// The base of every kernel class: one pipeline with an explicit bind-group layout for its storage buffers
// (@group(0), from the kernel's contract) and the engine's uniform arena (@group(1)). Kernels record into the
// caller's compute pass.
import commonWgsl from '../../../../shaders/common.wgsl?raw';
import type { Bindings, KernelContract, UniformField } from '../contract';
import type { UniformArena } from '../uniforms';

export interface KernelDesc<C extends KernelContract> {
  label: string;
  contract: C;
  code: string; // the kernel's .wgsl (one of contract.sources); common.wgsl is prepended
  entryPoint?: string;
  /** Override constants the model decides, on top of the contract's fixed ones. */
  constants?: Record<string, number>;
}

export class DispatchCounter {
  dispatches = 0;
}

export abstract class Kernel<C extends KernelContract> {
  protected pipeline!: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  private readonly bindingNames: readonly (keyof C['bindings'] & string)[];

  protected constructor(
    protected device: GPUDevice,
    protected arena: UniformArena,
    private desc: KernelDesc<C>,
    protected counter: DispatchCounter,
  ) {
    this.bindingNames = Object.keys(desc.contract.bindings) as (keyof C['bindings'] & string)[];
    this.layout = device.createBindGroupLayout({
      label: `${desc.label}-layout`,
      entries: Object.values(desc.contract.bindings).map((access, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
      })),
    });
  }

  /** Compiles the pipeline (async, so the page never blocks on shader compilation). */
  protected async build(): Promise<this> {
    const { device, desc } = this;
    // WGSL directives (`enable subgroups;`) must precede every declaration, common.wgsl's included.
    const directives = desc.code.match(/^\s*enable\s+[\w\s,]+;/gm) ?? [];
    const body = directives.reduce((code, d) => code.replace(d, ''), desc.code);
    const module = device.createShaderModule({ label: desc.label, code: `${directives.map((d) => d.trim()).join('\n')}\n${commonWgsl}\n${body}` });
    this.pipeline = await device.createComputePipelineAsync({
      label: desc.label,
      layout: device.createPipelineLayout({ label: `${desc.label}-pipeline-layout`, bindGroupLayouts: [this.layout, this.arena.layout] }),
      compute: { module, entryPoint: desc.entryPoint ?? 'main', constants: { ...desc.contract.constants, ...desc.constants } },
    });
    return this;
  }

  /** A bind group over whole buffers, given by binding name. */
  bind(label: string, buffers: Bindings<C>): GPUBindGroup {
    return this.device.createBindGroup({
      label: `${this.desc.label}:${label}`,
      layout: this.layout,
      entries: this.bindingNames.map((name, binding) => ({ binding, resource: { buffer: buffers[name] } })),
    });
  }

  protected dispatch(pass: GPUComputePassEncoder, group: GPUBindGroup, params: Record<UniformField<C>, number>, x: number, y = 1, z = 1): void {
    if (x === 0 || y === 0 || z === 0) return;
    const offset = this.arena.push(this.desc.contract.uniforms, params);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.setBindGroup(1, this.arena.bindGroup, [offset]);
    pass.dispatchWorkgroups(x, y, z);
    this.counter.dispatches++;
  }
}
