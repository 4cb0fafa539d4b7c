// GPU buffers made from the workspace table (src/core/workspace.ts): one call allocates every buffer of a
// lifetime, one call releases them, so no list of buffers is kept by hand anywhere.
import { WORKSPACE, type BufferName, type BufferNames, type Lifetime, type WorkspaceDims } from '../../core/workspace';
import type { GpuResources } from './resources';

type Table = typeof WORKSPACE;
/** The buffers of one lifetime by name: an array (one per layer) for per-layer entries. */
export type BufferSet<L extends Lifetime> = { readonly [K in BufferNames<L>]: Table[K]['perLayer'] extends true ? GPUBuffer[] : GPUBuffer };

function namesOf(lifetime: Lifetime): BufferName[] {
  return (Object.keys(WORKSPACE) as BufferName[]).filter((name) => WORKSPACE[name].lifetime === lifetime);
}

export function allocateBuffers<L extends Lifetime>(res: GpuResources, lifetime: L, d: WorkspaceDims): BufferSet<L> {
  const set: Record<string, GPUBuffer | GPUBuffer[]> = {};
  for (const name of namesOf(lifetime)) {
    const entry = WORKSPACE[name];
    const elements = entry.elements(d);
    set[name] = entry.perLayer
      ? Array.from({ length: d.spec.numLayers }, (_, l) => res.storage(`${name}-l${l}`, elements))
      : res.storage(name, elements);
  }
  return set as BufferSet<L>;
}

export function releaseBuffers<L extends Lifetime>(res: GpuResources, lifetime: L, set: BufferSet<L>): void {
  const byName = set as unknown as Record<string, GPUBuffer | GPUBuffer[]>;
  for (const name of namesOf(lifetime)) for (const buf of [byName[name]].flat()) res.release(buf);
}

/** queue.writeBuffer of a whole typed array (any backing buffer) at the start of `buf`. */
export function writeArray(queue: GPUQueue, buf: GPUBuffer, data: Float32Array | Int32Array | Uint32Array): void {
  queue.writeBuffer(buf, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
