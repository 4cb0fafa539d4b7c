// Per-kernel GPU timing for the benchmark's --profile: every dispatch gets its own compute pass with
// timestamp writes. It stands in for the step's single compute pass (same three calls the kernels make), so
// kernels record exactly as in normal steps. Needs the adapter's 'timestamp-query' feature.
import type { GpuResources } from './resources';

const MAX_DISPATCHES = 512;

export class KernelProfiler {
  private querySet: GPUQuerySet;
  private resolve: GPUBuffer;
  private readback: GPUBuffer;
  private labels: string[] = [];
  private totals = new Map<string, { ms: number; count: number }>();

  constructor(device: GPUDevice, res: GpuResources) {
    this.querySet = device.createQuerySet({ label: `${res.labelPrefix}:profiler`, type: 'timestamp', count: 2 * MAX_DISPATCHES });
    this.resolve = res.buffer('profiler-resolve', 16 * MAX_DISPATCHES, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC);
    this.readback = res.buffer('profiler-readback', 16 * MAX_DISPATCHES, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  /** A stand-in for one compute pass that opens a timed pass per pipeline switch. */
  pass(encoder: GPUCommandEncoder): GPUComputePassEncoder {
    this.labels = [];
    let current: GPUComputePassEncoder | null = null;
    const facade = {
      setPipeline: (pipeline: GPUComputePipeline) => {
        current?.end();
        const i = this.labels.length;
        if (i >= MAX_DISPATCHES) throw new Error(`profiler: more than ${MAX_DISPATCHES} dispatches in one step`);
        this.labels.push(pipeline.label.replace(/^[^:]*:/, ''));
        current = encoder.beginComputePass({ timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
        current.setPipeline(pipeline);
      },
      setBindGroup: (index: number, group: GPUBindGroup, offsets?: number[]) => current!.setBindGroup(index, group, offsets),
      dispatchWorkgroups: (x: number, y?: number, z?: number) => current!.dispatchWorkgroups(x, y, z),
      end: () => {
        current?.end();
        current = null;
        const n = this.labels.length;
        if (n > 0) {
          encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolve, 0);
          encoder.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16 * n);
        }
      },
    };
    return facade as unknown as GPUComputePassEncoder;
  }

  /** After the step's submit: adds this step's kernel times to the totals. */
  async collect(): Promise<void> {
    const n = this.labels.length;
    if (n === 0) return;
    await this.readback.mapAsync(GPUMapMode.READ, 0, 16 * n);
    const t = new BigInt64Array(this.readback.getMappedRange(0, 16 * n).slice(0));
    this.readback.unmap();
    for (let i = 0; i < n; i++) {
      const ms = Number(t[2 * i + 1] - t[2 * i]) / 1e6;
      const e = this.totals.get(this.labels[i]) ?? { ms: 0, count: 0 };
      e.ms += ms;
      e.count++;
      this.totals.set(this.labels[i], e);
    }
  }

  /** Milliseconds per kernel (summed over its dispatches), divided by `steps`. */
  report(steps: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of [...this.totals.entries()].sort((a, b) => b[1].ms - a[1].ms)) out[k] = Number((v.ms / steps).toPrecision(3));
    return out;
  }

  destroy(): void {
    this.querySet.destroy();
  }
}
