// The base of every kernel class: one pipeline with an explicit bind-group layout for its storage buffers
// (@group(0)) and the engine's uniform arena (@group(1)). Kernels record into the caller's compute pass.
import commonWgsl from '../../../../shaders/common.wgsl?raw';
import type { UniformArena, UniformStruct } from '../uniforms';

/** How a kernel sees each @group(0) binding, in binding order. */
export type Access = 'read' | 'rw';

export interface KernelDesc {
  label: string;
  code: string; // the kernel's .wgsl; common.wgsl is prepended
  entryPoint?: string;
  bindings: readonly Access[];
  constants?: Record<string, number>;
}

export class DispatchCounter {
  dispatches = 0;
}

export abstract class Kernel<K extends string> {
  protected pipeline!: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;

  protected constructor(
    protected device: GPUDevice,
    protected arena: UniformArena,
    private desc: KernelDesc,
    protected uniform: UniformStruct<K>,
    protected counter: DispatchCounter,
  ) {
    this.layout = device.createBindGroupLayout({
      label: `${desc.label}-layout`,
      entries: desc.bindings.map((access, binding) => ({
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
      compute: { module, entryPoint: desc.entryPoint ?? 'main', constants: desc.constants },
    });
    return this;
  }

  /** A bind group over whole buffers, in binding order. */
  bind(label: string, buffers: readonly GPUBuffer[]): GPUBindGroup {
    if (buffers.length !== this.desc.bindings.length) throw new Error(`${this.desc.label}: expected ${this.desc.bindings.length} buffers, got ${buffers.length}`);
    return this.device.createBindGroup({
      label: `${this.desc.label}:${label}`,
      layout: this.layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  protected dispatch(pass: GPUComputePassEncoder, group: GPUBindGroup, params: Record<K, number>, x: number, y = 1, z = 1): void {
    if (x === 0 || y === 0 || z === 0) return;
    const offset = this.arena.push(this.uniform, params);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.setBindGroup(1, this.arena.bindGroup, [offset]);
    pass.dispatchWorkgroups(x, y, z);
    this.counter.dispatches++;
  }
}
