// A ring of MAP_READ staging buffers for asynchronous readback: a step copies its metrics into a free one,
// submits, and awaits mapAsync without blocking the next step's recording. Buffers return to the ring after use.
import type { GpuResources } from './resources';

/** One readback copy: `floats` floats from `src` at float offset `off`. */
export interface Readback {
  src: GPUBuffer;
  off: number;
  floats: number;
}

export class StagingRing {
  private free: GPUBuffer[] = [];

  constructor(private res: GpuResources, private keep = 4) {}

  acquire(bytes: number): GPUBuffer {
    const i = this.free.findIndex((b) => b.size >= bytes && b.size <= 4 * Math.max(bytes, 4096));
    if (i >= 0) return this.free.splice(i, 1)[0];
    return this.res.buffer('staging', bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  /** Waits for the copy into `buf` to land, returns a copy of its first `bytes` and gives the buffer back. */
  async read(buf: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    await buf.mapAsync(GPUMapMode.READ, 0, bytes);
    const data = buf.getMappedRange(0, bytes).slice(0);
    buf.unmap();
    if (this.free.length < this.keep) this.free.push(buf);
    else this.res.release(buf);
    return data;
  }

  /** Copies `pieces` after what `encoder` recorded into one staging buffer, submits, and returns them, concatenated. */
  async submitAndRead(queue: GPUQueue, encoder: GPUCommandEncoder, pieces: readonly Readback[], afterSubmit?: () => Promise<void>): Promise<Float32Array> {
    const bytes = pieces.reduce((n, p) => n + p.floats, 0) * 4;
    const buf = this.acquire(bytes);
    let at = 0;
    for (const p of pieces) {
      encoder.copyBufferToBuffer(p.src, p.off * 4, buf, at, p.floats * 4);
      at += p.floats * 4;
    }
    queue.submit([encoder.finish()]);
    await afterSubmit?.();
    return new Float32Array(await this.read(buf, bytes));
  }
}
