// Every GPU buffer an engine creates goes through one GpuResources, which labels it, counts it and destroys
// it on dispose(). The counters let tests prove that creating and disposing engines leaks nothing.

/** Process-wide counts of buffers created and destroyed through GpuResources (for leak tests). */
export const bufferCounters = { created: 0, destroyed: 0 };

export function liveBufferCount(): number {
  return bufferCounters.created - bufferCounters.destroyed;
}

export class GpuResources {
  private buffers = new Set<GPUBuffer>();

  constructor(readonly device: GPUDevice, readonly labelPrefix: string) {}

  buffer(label: string, byteSize: number, usage: GPUBufferUsageFlags): GPUBuffer {
    // Bindings need a non-zero size; round up to 16 bytes so every view is aligned.
    const size = Math.max(16, Math.ceil(byteSize / 16) * 16);
    const buf = this.device.createBuffer({ label: `${this.labelPrefix}:${label}`, size, usage });
    this.buffers.add(buf);
    bufferCounters.created++;
    return buf;
  }

  /** A storage buffer (readable and writable by kernels, copyable both ways). */
  storage(label: string, elements: number): GPUBuffer {
    return this.buffer(label, elements * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
  }

  release(buf: GPUBuffer): void {
    if (!this.buffers.delete(buf)) return;
    buf.destroy();
    bufferCounters.destroyed++;
  }

  releaseAll(): void {
    for (const b of [...this.buffers]) this.release(b);
  }

  get liveCount(): number {
    return this.buffers.size;
  }
}
