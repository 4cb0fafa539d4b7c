// Leaky echo-state reservoir (Jaeger): u_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),
// h_t = (1 − a)·h_{t−1} + a·u_t. The reservoir is fixed; only the head learns. Its backward still runs so
// the gradient-flow view shows ∂L/∂h_t through the reservoir.
import { addMatMulBt, transpose, type Vec } from '../linalg';
import { addBias, hiddenOnlyState, type Cell, type CellGrads, type LayerWeights, type Trace } from './cell';

export function esnCell(leak: number): Cell {
  const a = leak;
  return {
    ...hiddenOnlyState,
    newExtra: (T, B, H) => ({ u: new Float64Array(T * B * H) }), // (T, B, H) tanh part, for backward

    forward(w: LayerWeights, tr: Trace, t0: number, t1: number) {
      const { H, Whh, bhh } = w;
      const B = tr.B;
      const n = B * H;
      const u = tr.extra.u;
      const pre = new Float64Array(n); // (B, H)
      for (let t = t0; t < t1; t++) {
        const prev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        addBias(pre, tr.xp, bhh, B, H, t * n);
        addMatMulBt(pre, prev, Whh, B, H, H);
        const o = t * n;
        for (let i = 0; i < n; i++) {
          const v = Math.tanh(pre[i]);
          u[o + i] = v;
          tr.hs[o + i] = (1 - a) * prev[i] + a * v;
        }
      }
    },

    backward(w: LayerWeights, _g: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec) {
      const { H, Whh } = w;
      const B = tr.B;
      const n = B * H;
      const WhhT = transpose(Whh, H, H); // (H, H) so the per-step product is contiguous dot products
      const u = tr.extra.u;
      const dhRec = new Float64Array(n); // (B, H) from step t+1
      for (let t = t1 - 1; t >= t0; t--) {
        const o = t * n;
        for (let i = 0; i < n; i++) {
          const d = dh[o + i] + dhRec[i];
          dh[o + i] = d;
          dGi[o + i] = d * a * (1 - u[o + i] * u[o + i]);
        }
        if (t > t0) {
          for (let i = 0; i < n; i++) dhRec[i] = dh[o + i] * (1 - a);
          addMatMulBt(dhRec, dGi, WhhT, B, H, H, o);
        }
      }
    },
  };
}
