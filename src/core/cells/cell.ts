// What every recurrent cell provides to the layer code in model.ts. Shapes: B batch, T steps, H hidden, G gates.
// The layer code owns what all cells share (the input projection, the weight-gradient GEMMs over all T);
// a cell owns only its recurrence, forward next to backward.
import type { Vec } from '../linalg';

/** Read-only views into the flat parameter array for one layer. */
export interface LayerWeights {
  H: number;
  G: number;
  Whh: Vec; // (G·H, H)
  bhh: Vec; // (G·H)
  peep: Vec | null; // (3, H) rows p_i, p_f, p_o — peephole LSTMs only
  wgg: Vec | null; // (3H, 3H) — FGR LSTMs only
}

/** Gradient views for the cell-specific tensors (the shared ones are accumulated by the layer code). */
export interface CellGrads {
  dpeep: Vec | null; // (3, H)
  dwgg: Vec | null; // (3H, 3H)
}

/** Everything the forward pass saved for backward, for all T steps of the batch. */
export interface Trace {
  T: number;
  B: number;
  xp: Vec; // (T, B, G·H) input projection W_ih·x + b_ih
  hs: Vec; // (T, B, H) hidden states
  h0: Vec; // (B, H) state before step 0
  /** Cell-specific saved values (gate activations, cell states, …). */
  extra: Record<string, Vec>;
}

/** The recurrent state carried between chunks and batches: named (B, ·) arrays, h always present. */
export type CellState = Record<string, Vec>;

export interface Cell {
  /** Allocates the cell-specific trace arrays for T steps. */
  newExtra(T: number, B: number, H: number): Record<string, Vec>;
  /** Copies a carried state into the trace's "before step 0" slots. */
  loadState(tr: Trace, state: CellState): void;
  /** The state after step t (t = −1: before step 0), copied out of the trace. */
  readState(tr: Trace, t: number): CellState;
  /** Steps [t0, t1): reads tr.xp, writes tr.hs and tr.extra. */
  forward(w: LayerWeights, tr: Trace, t0: number, t1: number): void;
  /**
   * Steps t1−1 down to t0. On entry dh[t] holds ∂L/∂h_t arriving from outside the recurrence (head or layer
   * above); on exit it holds the total ∂L/∂h_t. Writes the pre-activation gradients of the input side dGi and of
   * the recurrent side dGh (T, B, G·H) — equal except for GRU's candidate block. Gradient flowing to step t0−1
   * is dropped (truncation). `dc` (LSTM) receives the total ∂L/∂c_t.
   */
  backward(w: LayerWeights, g: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec, dGh: Vec, dc: Vec | null): void;
}

/** pre (B, W) = xp[off …] + bias (W) broadcast over rows: the non-recurrent part of a step's pre-activation. */
export function addBias(pre: Vec, xp: Vec, bias: Vec, B: number, W: number, off: number): void {
  for (let b = 0; b < B; b++) {
    const r = b * W;
    for (let j = 0; j < W; j++) pre[r + j] = xp[off + r + j] + bias[j];
  }
}

/** loadState and readState of the cells whose whole state is h (RNN, GRU, MGU, ESN). */
export const hiddenOnlyState: Pick<Cell, 'loadState' | 'readState'> = {
  loadState(tr: Trace, state: CellState) {
    tr.h0.set(state.h);
  },
  readState(tr: Trace, t: number): CellState {
    const n = tr.h0.length; // B·H
    return { h: t < 0 ? Float64Array.from(tr.h0) : Float64Array.from(tr.hs.subarray(t * n, (t + 1) * n)) };
  },
};
