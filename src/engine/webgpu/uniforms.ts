// One uniform buffer per engine holds every dispatch's small parameter struct in 256-byte slots, bound at
// @group(1) @binding(0) with a dynamic offset. A step writes its slots on the CPU, uploads them once with
// writeBuffer (ordered before the step's submit), and each dispatch picks its slot.
import type { GpuResources } from './resources';

export const UNIFORM_SLOT_BYTES = 256;

/** A kernel's uniform struct: field names in WGSL declaration order; every field is a 4-byte u32 or f32. */
export interface UniformStruct<K extends string> {
  fields: readonly K[];
  floats?: readonly K[];
}

export class UniformArena {
  readonly layout: GPUBindGroupLayout;
  private buffer!: GPUBuffer;
  private group!: GPUBindGroup;
  private capacity = 0; // slots
  private data = new ArrayBuffer(0);
  private used = 0;

  constructor(private res: GpuResources, initialSlots = 64) {
    this.layout = res.device.createBindGroupLayout({
      label: `${res.labelPrefix}:uniform-arena-layout`,
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 0 } }],
    });
    this.grow(initialSlots);
  }

  private grow(slots: number): void {
    if (this.buffer) this.res.release(this.buffer);
    this.capacity = slots;
    this.buffer = this.res.buffer('uniform-arena', slots * UNIFORM_SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.group = this.res.device.createBindGroup({
      label: `${this.res.labelPrefix}:uniform-arena`,
      layout: this.layout,
      entries: [{ binding: 0, resource: { buffer: this.buffer, size: UNIFORM_SLOT_BYTES } }],
    });
    const old = new Uint8Array(this.data);
    this.data = new ArrayBuffer(slots * UNIFORM_SLOT_BYTES);
    new Uint8Array(this.data).set(old.subarray(0, Math.min(old.length, this.data.byteLength)));
  }

  /** Grows before recording when a step will need more than the current capacity (bind groups then change). */
  reserve(slots: number): void {
    if (slots > this.capacity) this.grow(Math.max(slots, this.capacity * 2));
  }

  reset(): void {
    this.used = 0;
  }

  /** Writes one struct into the next slot and returns its dynamic offset in bytes. */
  push<K extends string>(struct: UniformStruct<K>, values: Record<K, number>): number {
    if (this.used >= this.capacity) throw new Error(`uniform arena full (${this.capacity} slots): call reserve() before recording`);
    const off = this.used * UNIFORM_SLOT_BYTES;
    const u32 = new Uint32Array(this.data, off, struct.fields.length);
    const f32 = new Float32Array(this.data, off, struct.fields.length);
    struct.fields.forEach((name, i) => {
      const v = values[name];
      if (struct.floats?.includes(name)) f32[i] = v;
      else {
        if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new Error(`uniform field ${name} = ${v} is not a u32`);
        u32[i] = v;
      }
    });
    this.used++;
    return off;
  }

  get slotsUsed(): number {
    return this.used;
  }

  upload(queue: GPUQueue): void {
    if (this.used > 0) queue.writeBuffer(this.buffer, 0, this.data, 0, this.used * UNIFORM_SLOT_BYTES);
  }

  get bindGroup(): GPUBindGroup {
    return this.group;
  }
}
