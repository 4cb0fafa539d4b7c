// LSTM, PyTorch's nn.LSTM gate order i, f, g, o, with the Greff et al. variants as flags (spec.ts lstmFlags):
//   i = σ(pre_i + p_i⊙c_{t−1})   f = σ(pre_f + p_f⊙c_{t−1})   g = tanh(pre_g)
//   c_t = f⊙c_{t−1} + i⊙g         o = σ(pre_o + p_o⊙c_t)       h_t = o⊙tanh(c_t)
// where pre = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh (+ W_gg·[i,f,o]_{t−1} for FGR).
import type { LstmFlags } from './lstmVariants';
import { addMatMul, addMatMulBt, addMatTMul, sigmoid, transpose, type Vec } from '../linalg';
import { addBias, type Cell, type CellGrads, type CellState, type LayerWeights, type Trace } from './cell';

/** Copies the i, f, o blocks of the (B, 4H) gate rows into (B, 3H) rows. */
function gatherIfo(dst: Vec, src: Vec, srcOff: number, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const s = srcOff + b * 4 * H;
    const d = b * 3 * H;
    for (let j = 0; j < H; j++) {
      dst[d + j] = src[s + j];
      dst[d + H + j] = src[s + H + j];
      dst[d + 2 * H + j] = src[s + 3 * H + j];
    }
  }
}

export function lstmCell(flags: LstmFlags): Cell {
  const fgr = flags.fullGateRecurrence;
  return {
    newExtra: (T, B, H) => ({
      gates: new Float64Array(T * B * 4 * H), // (T, B, 4H) activations i, f, g, o
      cs: new Float64Array(T * B * H), // (T, B, H) cell states
      c0: new Float64Array(B * H), // (B, H) cell state before step 0
      a0: new Float64Array(fgr ? B * 3 * H : 0), // (B, 3H) i, f, o before step 0 (FGR)
    }),
    loadState(tr: Trace, state: CellState) {
      tr.h0.set(state.h);
      tr.extra.c0.set(state.c);
      if (fgr) tr.extra.a0.set(state.a);
    },
    readState(tr: Trace, t: number): CellState {
      const n = tr.h0.length;
      const H = n / tr.B;
      if (t < 0) {
        const s: CellState = { h: Float64Array.from(tr.h0), c: Float64Array.from(tr.extra.c0) };
        if (fgr) s.a = Float64Array.from(tr.extra.a0);
        return s;
      }
      const s: CellState = {
        h: Float64Array.from(tr.hs.subarray(t * n, (t + 1) * n)),
        c: Float64Array.from(tr.extra.cs.subarray(t * n, (t + 1) * n)),
      };
      if (fgr) {
        s.a = new Float64Array(3 * n);
        gatherIfo(s.a, tr.extra.gates, t * 4 * n, tr.B, H);
      }
      return s;
    },

    forward(w: LayerWeights, tr: Trace, t0: number, t1: number) {
      const { H, Whh, bhh, peep, wgg } = w;
      const B = tr.B;
      const n = B * H;
      const { gates, cs, c0, a0 } = tr.extra;
      const pre = new Float64Array(4 * n); // (B, 4H)
      const aPrev = new Float64Array(fgr ? 3 * n : 0); // (B, 3H)
      const fgrPre = new Float64Array(fgr ? 3 * n : 0); // (B, 3H)
      for (let t = t0; t < t1; t++) {
        const hPrev = t === 0 ? tr.h0 : tr.hs.subarray((t - 1) * n, t * n);
        const cPrev = t === 0 ? c0 : cs.subarray((t - 1) * n, t * n);
        addBias(pre, tr.xp, bhh, B, 4 * H, t * 4 * n);
        addMatMulBt(pre, hPrev, Whh, B, 4 * H, H);
        if (fgr && wgg) {
          if (t === 0) aPrev.set(a0);
          else gatherIfo(aPrev, gates, (t - 1) * 4 * n, B, H);
          fgrPre.fill(0);
          addMatMulBt(fgrPre, aPrev, wgg, B, 3 * H, 3 * H);
          for (let b = 0; b < B; b++) {
            for (let j = 0; j < H; j++) {
              pre[b * 4 * H + j] += fgrPre[b * 3 * H + j];
              pre[b * 4 * H + H + j] += fgrPre[b * 3 * H + H + j];
              pre[b * 4 * H + 3 * H + j] += fgrPre[b * 3 * H + 2 * H + j];
            }
          }
        }
        for (let b = 0; b < B; b++) {
          const gr = t * 4 * n + b * 4 * H; // this row in gates
          const pr = b * 4 * H;
          for (let j = 0; j < H; j++) {
            const cp = cPrev[b * H + j];
            const i = flags.inputGate ? sigmoid(pre[pr + j] + (peep ? peep[j] * cp : 0)) : 1;
            const f = flags.coupled ? 1 - i : flags.forgetGate ? sigmoid(pre[pr + H + j] + (peep ? peep[H + j] * cp : 0)) : 1;
            const g = flags.inputActivation ? Math.tanh(pre[pr + 2 * H + j]) : pre[pr + 2 * H + j];
            const c = f * cp + i * g;
            const o = flags.outputGate ? sigmoid(pre[pr + 3 * H + j] + (peep ? peep[2 * H + j] * c : 0)) : 1;
            gates[gr + j] = i;
            gates[gr + H + j] = f;
            gates[gr + 2 * H + j] = g;
            gates[gr + 3 * H + j] = o;
            cs[t * n + b * H + j] = c;
            tr.hs[t * n + b * H + j] = o * (flags.outputActivation ? Math.tanh(c) : c);
          }
        }
      }
    },

    backward(w: LayerWeights, grads: CellGrads, tr: Trace, t0: number, t1: number, dh: Vec, dGi: Vec, _dGh: Vec, dcOut: Vec | null) {
      const { H, Whh, peep, wgg } = w;
      const { dpeep, dwgg } = grads;
      const B = tr.B;
      const n = B * H;
      const WhhT = transpose(Whh, 4 * H, H); // (H, 4H) so the per-step product is contiguous dot products
      const { gates, cs, c0, a0 } = tr.extra;
      const dhRec = new Float64Array(n); // (B, H) ∂L/∂h_t arriving from step t+1
      const dcRec = new Float64Array(n); // (B, H) ∂L/∂c_t arriving from step t+1
      const daRec = new Float64Array(fgr ? 3 * n : 0); // (B, 3H) ∂L/∂[i,f,o]_t from step t+1 (FGR)
      const dPreIfo = new Float64Array(fgr ? 3 * n : 0); // (B, 3H)
      const aPrev = new Float64Array(fgr ? 3 * n : 0); // (B, 3H)
      for (let t = t1 - 1; t >= t0; t--) {
        const cPrev = t === 0 ? c0 : cs.subarray((t - 1) * n, t * n);
        for (let b = 0; b < B; b++) {
          const gr = t * 4 * n + b * 4 * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const i = gates[gr + j];
            const f = gates[gr + H + j];
            const g = gates[gr + 2 * H + j];
            const o = gates[gr + 3 * H + j];
            const c = cs[t * n + k];
            const cp = cPrev[k];
            const tc = flags.outputActivation ? Math.tanh(c) : c;

            const dhT = dh[t * n + k] + dhRec[k];
            dh[t * n + k] = dhT;
            const dOAct = dhT * tc + (fgr ? daRec[b * 3 * H + 2 * H + j] : 0);
            const dOPre = flags.outputGate ? dOAct * o * (1 - o) : 0;
            let dc = dcRec[k] + dhT * o * (flags.outputActivation ? 1 - tc * tc : 1);
            if (peep && dpeep) {
              dc += dOPre * peep[2 * H + j];
              dpeep[2 * H + j] += dOPre * c;
            }
            if (dcOut) dcOut[t * n + k] = dc;

            let dIAct = dc * g + (fgr ? daRec[b * 3 * H + j] : 0);
            let dFAct = dc * cp + (fgr ? daRec[b * 3 * H + H + j] : 0);
            if (flags.coupled) {
              dIAct -= dFAct; // f = 1 − i
              dFAct = 0;
            }
            const dIPre = flags.inputGate ? dIAct * i * (1 - i) : 0;
            const dFPre = flags.forgetGate && !flags.coupled ? dFAct * f * (1 - f) : 0;
            const dGAct = dc * i;
            const dGPre = flags.inputActivation ? dGAct * (1 - g * g) : dGAct;

            let dcPrev = dc * f;
            if (peep && dpeep) {
              dcPrev += dIPre * peep[j] + dFPre * peep[H + j];
              dpeep[j] += dIPre * cp;
              dpeep[H + j] += dFPre * cp;
            }
            dcRec[k] = dcPrev;

            dGi[gr + j] = dIPre;
            dGi[gr + H + j] = dFPre;
            dGi[gr + 2 * H + j] = dGPre;
            dGi[gr + 3 * H + j] = dOPre;
          }
        }
        if (fgr && wgg && dwgg) {
          gatherIfo(dPreIfo, dGi, t * 4 * n, B, H);
          if (t === 0) aPrev.set(a0);
          else gatherIfo(aPrev, gates, (t - 1) * 4 * n, B, H);
          addMatTMul(dwgg, dPreIfo, aPrev, B, 3 * H, 3 * H);
          daRec.fill(0);
          if (t > t0) addMatMul(daRec, dPreIfo, wgg, B, 3 * H, 3 * H);
        }
        dhRec.fill(0);
        if (t > t0) addMatMulBt(dhRec, dGi, WhhT, B, H, 4 * H, t * 4 * n);
        else dcRec.fill(0);
      }
    },
  };
}
