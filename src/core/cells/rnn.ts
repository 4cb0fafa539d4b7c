// Elman RNN, PyTorch's nn.RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh or relu.
import { addMatMulBt, transpose, type Vec } from '../linalg';
import { addBias, hiddenOnlyState, type Cell, type CellGrads, type LayerWeights, type Trace } from './cell';

export function rnnCell(activation: 'tanh' | 'relu'): Cell {
  const relu = activation === 'relu';
  return {
    ...hiddenOnlyState,
    newExtra: () => ({}),

    forward(w: LayerWeights, tr: Trace, t0: number, t1: number) {
      const { H, Whh, bhh } = w;
      const B = tr.B;
      const pre = new Float64Array(B * H); // (B, H)
      for (let t = t0; t < t1; t++) {
        const prev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * B * H, t * B * H);
        addBias(pre, tr.xp, bhh, B, H, t * B * H);
        addMatMulBt(pre, prev, Whh, B, H, H);
        const out = t * B * H;
        for (let i = 0; i < B * H; i++) {
          const p = pre[i];
          tr.hs[out + i] = relu ? (p > 0 ? p : 0) : Math.tanh(p);
        }
      }
    },

    backward(w: LayerWeights, _g: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec, _dGh: Vec) {
      const { H, Whh } = w;
      const B = tr.B;
      const n = B * H;
      const WhhT = transpose(Whh, H, H); // (H, H) so the per-step product is contiguous dot products
      const dhRec = new Float64Array(n); // (B, H) gradient arriving from step t+1
      for (let t = t1 - 1; t >= t0; t--) {
        const o = t * n;
        for (let i = 0; i < n; i++) {
          const d = dh[o + i] + dhRec[i];
          dh[o + i] = d;
          const h = tr.hs[o + i];
          dGi[o + i] = d * (relu ? (h > 0 ? 1 : 0) : 1 - h * h);
        }
        dhRec.fill(0);
        if (t > t0) addMatMulBt(dhRec, dGi, WhhT, B, H, H, o);
      }
    },
  };
}
