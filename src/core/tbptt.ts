// The truncated-BPTT(k1, k2) chunk plan both engines follow (README "Truncated BPTT"): the sequence is
// consumed k1 steps at a time; after chunk [s, e) the loss of its steps is backpropagated through the window
// [w0, e) = [e − k2, e). With k2 > k1 the window starts before the chunk, so the forward of the chunk starts
// at `from` = min(s, w0) and recomputes the window's earlier steps with the current weights.
// k1 = k2 = T (mode 'full') is full BPTT: one chunk [0, T).

export type BpttOptions = { mode: 'full' } | { mode: 'truncated'; k1: number; k2: number };

export interface TbpttChunk {
  s: number; // first step whose loss this chunk scores
  e: number; // one past its last step
  w0: number; // first step of the backward window
  from: number; // first step the forward runs (min(s, w0))
}

export function tbpttChunks(T: number, bptt: BpttOptions): TbpttChunk[] {
  const k1 = bptt.mode === 'truncated' ? Math.max(1, bptt.k1) : T;
  const k2 = bptt.mode === 'truncated' ? Math.max(1, bptt.k2) : T;
  const chunks: TbpttChunk[] = [];
  for (let s = 0; s < T; s += k1) {
    const e = Math.min(T, s + k1);
    const w0 = Math.max(0, e - k2);
    chunks.push({ s, e, w0, from: Math.min(s, w0) });
  }
  return chunks;
}
