// GRU, PyTorch's nn.GRU, gate order r, z, n:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)   z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
import { addMatMulBt, transpose, sigmoid, type Vec } from '../linalg';
import { hiddenOnlyState, type Cell, type CellGrads, type LayerWeights, type Trace } from './cell';

export function gruCell(): Cell {
  return {
    ...hiddenOnlyState,
    newExtra: (T, B, H) => ({
      gates: new Float64Array(T * B * 3 * H), // (T, B, 3H) activations r, z, n
      hn: new Float64Array(T * B * H), // (T, B, H) W_hn h_{t−1} + b_hn
    }),

    forward(w: LayerWeights, tr: Trace, t0: number, t1: number) {
      const { H, Whh, bhh } = w;
      const B = tr.B;
      const n = B * H;
      const { gates, hn } = tr.extra;
      const hp = new Float64Array(3 * n); // (B, 3H) W_hh h_{t−1} + b_hh
      for (let t = t0; t < t1; t++) {
        const hPrev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        for (let b = 0; b < B; b++) hp.set(bhh, b * 3 * H);
        addMatMulBt(hp, hPrev, Whh, B, 3 * H, H);
        for (let b = 0; b < B; b++) {
          const xr = t * 3 * n + b * 3 * H;
          const pr = b * 3 * H;
          for (let j = 0; j < H; j++) {
            const r = sigmoid(tr.xp[xr + j] + hp[pr + j]);
            const z = sigmoid(tr.xp[xr + H + j] + hp[pr + H + j]);
            const hnv = hp[pr + 2 * H + j];
            const nv = Math.tanh(tr.xp[xr + 2 * H + j] + r * hnv);
            gates[xr + j] = r;
            gates[xr + H + j] = z;
            gates[xr + 2 * H + j] = nv;
            hn[t * n + b * H + j] = hnv;
            tr.hs[t * n + b * H + j] = (1 - z) * nv + z * hPrev[b * H + j];
          }
        }
      }
    },

    backward(w: LayerWeights, _g: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec, dGh: Vec) {
      const { H, Whh } = w;
      const B = tr.B;
      const n = B * H;
      const WhhT = transpose(Whh, 3 * H, H); // (H, 3H) so the per-step product is contiguous dot products
      const { gates, hn } = tr.extra;
      const dhRec = new Float64Array(n); // (B, H) from step t+1
      for (let t = t1 - 1; t >= t0; t--) {
        const hPrev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        for (let b = 0; b < B; b++) {
          const gr = t * 3 * n + b * 3 * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const r = gates[gr + j];
            const z = gates[gr + H + j];
            const nv = gates[gr + 2 * H + j];
            const dhT = dh[t * n + k] + dhRec[k];
            dh[t * n + k] = dhT;
            const dNPre = dhT * (1 - z) * (1 - nv * nv);
            const dZPre = dhT * (hPrev[k] - nv) * z * (1 - z);
            const dRPre = dNPre * hn[t * n + k] * r * (1 - r);
            dGi[gr + j] = dRPre;
            dGi[gr + H + j] = dZPre;
            dGi[gr + 2 * H + j] = dNPre;
            dGh[gr + j] = dRPre;
            dGh[gr + H + j] = dZPre;
            dGh[gr + 2 * H + j] = dNPre * r;
            dhRec[k] = dhT * z; // the direct path h_{t−1} → h_t
          }
        }
        if (t > t0) addMatMulBt(dhRec, dGh, WhhT, B, H, 3 * H, t * 3 * n);
      }
    },
  };
}
