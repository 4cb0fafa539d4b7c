// MGU, the minimal gated unit of Zhou, Wu, Zhang & Zhou (2016): a GRU whose reset and update gates are one
// forget gate. Gate order f, n; the gate is applied as nn.GRU applies its reset gate (after the recurrent
// product, bias included), so the recurrent weights keep one GEMM over all T like the other cells:
//   f = σ(W_if x + b_if + W_hf h + b_hf)   n = tanh(W_in x + b_in + f ⊙ (W_hn h + b_hn))
//   h_t = (1 − f) ⊙ h_{t−1} + f ⊙ n
import { addMatMulBt, transpose, sigmoid, type Vec } from '../linalg';
import { hiddenOnlyState, type Cell, type CellGrads, type LayerWeights, type Trace } from './cell';

export function mguCell(): Cell {
  return {
    ...hiddenOnlyState,
    newExtra: (T, B, H) => ({
      gates: new Float64Array(T * B * 2 * H), // (T, B, 2H) activations f, n
      hn: new Float64Array(T * B * H), // (T, B, H) W_hn h_{t−1} + b_hn
    }),

    forward(w: LayerWeights, tr: Trace, t0: number, t1: number) {
      const { H, Whh, bhh } = w;
      const B = tr.B;
      const n = B * H;
      const { gates, hn } = tr.extra;
      const hp = new Float64Array(2 * n); // (B, 2H) W_hh h_{t−1} + b_hh
      for (let t = t0; t < t1; t++) {
        const hPrev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        for (let b = 0; b < B; b++) hp.set(bhh, b * 2 * H);
        addMatMulBt(hp, hPrev, Whh, B, 2 * H, H);
        for (let b = 0; b < B; b++) {
          const xr = t * 2 * n + b * 2 * H;
          const pr = b * 2 * H;
          for (let j = 0; j < H; j++) {
            const f = sigmoid(tr.xp[xr + j] + hp[pr + j]);
            const hnv = hp[pr + H + j];
            const nv = Math.tanh(tr.xp[xr + H + j] + f * hnv);
            gates[xr + j] = f;
            gates[xr + H + j] = nv;
            hn[t * n + b * H + j] = hnv;
            tr.hs[t * n + b * H + j] = (1 - f) * hPrev[b * H + j] + f * nv;
          }
        }
      }
    },

    backward(w: LayerWeights, _g: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec, dGh: Vec) {
      const { H, Whh } = w;
      const B = tr.B;
      const n = B * H;
      const WhhT = transpose(Whh, 2 * H, H); // (H, 2H) so the per-step product is contiguous dot products
      const { gates, hn } = tr.extra;
      const dhRec = new Float64Array(n); // (B, H) from step t+1
      for (let t = t1 - 1; t >= t0; t--) {
        const hPrev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        for (let b = 0; b < B; b++) {
          const gr = t * 2 * n + b * 2 * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const f = gates[gr + j];
            const nv = gates[gr + H + j];
            const dhT = dh[t * n + k] + dhRec[k];
            dh[t * n + k] = dhT;
            const dNPre = dhT * f * (1 - nv * nv);
            // f enters twice: in the mix (1 − f) h + f n, and inside n through f ⊙ hn.
            const dF = dhT * (nv - hPrev[k]) + dNPre * hn[t * n + k];
            const dFPre = dF * f * (1 - f);
            dGi[gr + j] = dFPre;
            dGi[gr + H + j] = dNPre;
            dGh[gr + j] = dFPre;
            dGh[gr + H + j] = dNPre * f;
            dhRec[k] = dhT * (1 - f); // the direct path h_{t−1} → h_t
          }
        }
        if (t > t0) addMatMulBt(dhRec, dGh, WhhT, B, H, 2 * H, t * 2 * n);
      }
    },
  };
}
