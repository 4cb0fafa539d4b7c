// A stacked recurrent network with a linear head: forward over a range of steps and backprop-through-time
// over a window of steps, on float64 typed arrays. This is the reference math both engines must match.
import type { Cell, CellGrads, CellState, LayerWeights, Trace } from './cells/cell';
import { addColumnSums, addMatMul, addMatMulBt, addMatTMul, norm, transpose, type Vec } from './linalg';
import { cellInfo, findTensor, paramLayout, type CellDescriptor, type ModelSpec, type ParamLayout, type TensorInfo } from './spec';

function view(a: Vec, t: TensorInfo | undefined): Vec | null {
  return t ? a.subarray(t.offset, t.offset + t.size) : null;
}

interface LayerViews {
  inSize: number; // I: X for layer 0, H above
  Wih: Vec; // (G·H, I)
  bih: Vec; // (G·H)
  weights: LayerWeights;
}

interface GradViews {
  dWih: Vec;
  dbih: Vec;
  dWhh: Vec;
  dbhh: Vec;
  cell: CellGrads;
  trainable: boolean;
}

/** Saved activations of one batch, all layers, plus the per-step scratch of backward. */
export interface Workspace {
  T: number;
  B: number;
  traces: Trace[]; // per layer
  out: Vec; // (T, B, Y) head outputs
  dOut: Vec; // (T, B, Y) ∂L/∂out
  dh: Vec[]; // per layer (T, B, H) ∂L/∂h_t
  dc: Vec[] | null; // per layer (T, B, H) ∂L/∂c_t (LSTM)
  dGi: Vec; // (T, B, G·H)
  dGh: Vec; // (T, B, G·H) (GRU only differs from dGi)
  dX: Vec; // (T, B, H) gradient into the layer below
}

export class Network {
  readonly layout: ParamLayout;
  readonly cell: Cell;
  readonly info: CellDescriptor;
  /** Names and widths (in units of H) of the state carried per layer. */
  readonly stateShape: Record<string, number>;
  readonly G: number;
  private layers: LayerViews[] = [];
  private gradViews: GradViews[] = [];
  private headW!: Vec; // (Y, H)
  private headB!: Vec; // (Y)
  private dHeadW!: Vec;
  private dHeadB!: Vec;

  /** params and grads are laid out by paramLayout(spec); the network keeps views into them. */
  constructor(readonly spec: ModelSpec, readonly params: Float64Array, readonly grads: Float64Array) {
    this.layout = paramLayout(spec);
    this.info = cellInfo(spec.cell);
    this.cell = this.info.cpu(spec);
    this.stateShape = this.info.stateShape(spec);
    this.G = this.info.blocks.length;
    const H = spec.hiddenSize;
    for (let l = 0; l < spec.numLayers; l++) {
      const t = (role: TensorInfo['role']) => findTensor(this.layout, role, l);
      this.layers.push({
        inSize: l === 0 ? spec.inputSize : H,
        Wih: view(params, t('weight_ih'))!,
        bih: view(params, t('bias_ih'))!,
        weights: { H, G: this.G, Whh: view(params, t('weight_hh'))!, bhh: view(params, t('bias_hh'))!, peep: view(params, t('peephole')), wgg: view(params, t('weight_gg')) },
      });
      this.gradViews.push({
        dWih: view(grads, t('weight_ih'))!,
        dbih: view(grads, t('bias_ih'))!,
        dWhh: view(grads, t('weight_hh'))!,
        dbhh: view(grads, t('bias_hh'))!,
        cell: { dpeep: view(grads, t('peephole')), dwgg: view(grads, t('weight_gg')) },
        trainable: t('weight_hh')!.trainable,
      });
    }
    this.headW = view(params, findTensor(this.layout, 'head_weight', -1))!;
    this.headB = view(params, findTensor(this.layout, 'head_bias', -1))!;
    this.dHeadW = view(grads, findTensor(this.layout, 'head_weight', -1))!;
    this.dHeadB = view(grads, findTensor(this.layout, 'head_bias', -1))!;
  }

  newWorkspace(T: number, B: number): Workspace {
    const { hiddenSize: H, outputSize: Y, numLayers: L } = this.spec;
    const GH = this.G * H;
    const traces: Trace[] = [];
    for (let l = 0; l < L; l++) {
      traces.push({ T, B, xp: new Float64Array(T * B * GH), hs: new Float64Array(T * B * H), h0: new Float64Array(B * H), extra: this.cell.newExtra(T, B, H) });
    }
    const perLayer = () => Array.from({ length: L }, () => new Float64Array(T * B * H));
    return {
      T, B, traces,
      out: new Float64Array(T * B * Y),
      dOut: new Float64Array(T * B * Y),
      dh: perLayer(),
      dc: this.info.cellState ? perLayer() : null,
      dGi: new Float64Array(T * B * GH),
      dGh: this.info.separateRecurrentGrad ? new Float64Array(T * B * GH) : new Float64Array(0),
      dX: new Float64Array(T * B * H),
    };
  }

  /** A zero state for every layer (named arrays per stateShape). */
  zeroState(B: number): CellState[] {
    const H = this.spec.hiddenSize;
    return this.layers.map(() => Object.fromEntries(Object.entries(this.stateShape).map(([k, w]) => [k, new Float64Array(B * H * w)])));
  }

  loadState(ws: Workspace, state: CellState[]): void {
    ws.traces.forEach((tr, l) => this.cell.loadState(tr, state[l]));
  }

  /** The state after step t (per layer). */
  readState(ws: Workspace, t: number): CellState[] {
    return ws.traces.map((tr) => this.cell.readState(tr, t));
  }

  /** Steps [t0, t1) of the batch's input x (T, B, X): every layer, then the head into ws.out. */
  forward(ws: Workspace, x: Float32Array | Float64Array, t0: number, t1: number): void {
    const { hiddenSize: H, outputSize: Y } = this.spec;
    const B = ws.B;
    const rows = (t1 - t0) * B;
    const GH = this.G * H;
    let input: ArrayLike<number> = x;
    for (let l = 0; l < this.layers.length; l++) {
      const { inSize, Wih, bih, weights } = this.layers[l];
      const tr = ws.traces[l];
      const xin = input instanceof Float64Array ? input : Float64Array.from(input as Float32Array);
      // The non-recurrent part for all steps at once: xp = x·W_ihᵀ + b_ih  (rows, G·H)
      for (let r = 0; r < rows; r++) tr.xp.set(bih, (t0 * B + r) * GH);
      addMatMulBt(tr.xp, xin, Wih, rows, GH, inSize, t0 * B * inSize, t0 * B * GH);
      this.cell.forward(weights, tr, t0, t1);
      input = tr.hs;
    }
    const top = ws.traces[this.layers.length - 1].hs;
    for (let r = 0; r < rows; r++) ws.out.set(this.headB, (t0 * B + r) * Y);
    addMatMulBt(ws.out, top, this.headW, rows, Y, H, t0 * B * H, t0 * B * Y);
  }

  /**
   * Backprop through steps [w0, t1) given ws.dOut (nonzero only where loss was taken). Accumulates into grads.
   * After the call ws.dh[l] (and ws.dc[l]) rows of [w0, t1) hold the total ∂L/∂h_t (∂L/∂c_t) per layer.
   * paramGrads = false skips the weight-gradient products (for views that want only state or input gradients).
   */
  backward(ws: Workspace, x: Float32Array | Float64Array, w0: number, t1: number, omega: number, paramGrads = true): number {
    const { hiddenSize: H, outputSize: Y } = this.spec;
    const B = ws.B;
    const GH = this.G * H;
    const rows = (t1 - w0) * B;
    const L = this.layers.length;
    const topHs = ws.traces[L - 1].hs;

    // Head: dW += dOutᵀ·h, db += Σ dOut, ∂L/∂h_top = dOut·W
    if (paramGrads) {
      addMatTMul(this.dHeadW, ws.dOut, topHs, rows, Y, H, w0 * B * Y, w0 * B * H);
      addColumnSums(this.dHeadB, ws.dOut, rows, Y, w0 * B * Y);
    }
    ws.dh[L - 1].fill(0, w0 * B * H, t1 * B * H);
    addMatMulBt(ws.dh[L - 1], ws.dOut, transpose(this.headW, Y, H), rows, H, Y, w0 * B * Y, w0 * B * H);

    let omegaValue = 0;
    for (let l = L - 1; l >= 0; l--) {
      const { inSize, Wih, weights } = this.layers[l];
      const g = this.gradViews[l];
      const tr = ws.traces[l];
      const dGh = this.info.separateRecurrentGrad ? ws.dGh : ws.dGi;
      this.cell.backward(weights, g.cell, tr, w0, t1, ws.dh[l], ws.dGi, dGh, ws.dc ? ws.dc[l] : null);
      if (omega > 0 && this.info.omega) {
        omegaValue += omegaPenalty(weights.Whh, g.dWhh, ws.dh[l], ws.dGi, B, H, w0, t1, omega);
      }
      if (g.trainable && paramGrads) {
        const xin = l === 0 ? x : ws.traces[l - 1].hs;
        addMatTMul(g.dWih, ws.dGi, xin instanceof Float64Array ? xin : Float64Array.from(xin), rows, GH, inSize, w0 * B * GH, w0 * B * inSize);
        addColumnSums(g.dbih, ws.dGi, rows, GH, w0 * B * GH);
        // h_{t−1} for the window's first step is the state before it; the rest are the saved states.
        const firstPrev = w0 === 0 ? tr.h0 : tr.hs.subarray((w0 - 1) * B * H, w0 * B * H);
        addMatTMul(g.dWhh, dGh, firstPrev, B, GH, H, w0 * B * GH, 0);
        if (t1 - w0 > 1) addMatTMul(g.dWhh, dGh, tr.hs, (t1 - w0 - 1) * B, GH, H, (w0 + 1) * B * GH, w0 * B * H);
        addColumnSums(g.dbhh, dGh, rows, GH, w0 * B * GH);
      }
      if (l > 0) {
        const below = ws.dh[l - 1];
        below.fill(0, w0 * B * H, t1 * B * H);
        addMatMulBt(below, ws.dGi, transpose(Wih, GH, H), rows, H, GH, w0 * B * GH, w0 * B * H);
      }
    }
    return omegaValue;
  }
}

/**
 * Pascanu et al. (2013)'s regulariser for vanishing gradients on an Elman layer,
 *   Ω = Σ_t mean_b ( ‖∂L/∂h_t · ∂h_t/∂h_{t−1}‖ / ‖∂L/∂h_t‖ − 1 )²   over the window's transitions,
 * where ∂L/∂h_t · ∂h_t/∂h_{t−1} = (∂L/∂h_t ⊙ act′) · W_hh = dpre_t · W_hh. As in the paper, ∂L/∂h_t and the
 * activations are held constant when differentiating, so only the explicit dependence on W_hh counts:
 *   ∂Ω/∂W[i][j] = mean_b Σ_t 2(ratio − 1)/‖dh‖ · dpre_i · v_j/‖v‖.
 * Adds weight·∂Ω/∂W_hh into dWhh and returns weight·Ω.
 */
export function omegaPenalty(Whh: Vec, dWhh: Vec, dh: Vec, dpre: Vec, B: number, H: number, w0: number, t1: number, weight: number): number {
  let total = 0;
  const v = new Float64Array(H);
  for (let t = w0 + 1; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * H;
      const dhNorm = norm(dh, o, o + H);
      if (!(dhNorm > 0)) continue;
      v.fill(0);
      addMatMul(v, dpre, Whh, 1, H, H, o, 0);
      const vNorm = norm(v);
      const ratio = vNorm / dhNorm;
      total += (ratio - 1) ** 2 / B;
      if (!(vNorm > 0)) continue;
      const coef = (weight * 2 * (ratio - 1)) / (dhNorm * vNorm * B);
      for (let i = 0; i < H; i++) {
        const a = coef * dpre[o + i];
        if (a === 0) continue;
        for (let j = 0; j < H; j++) dWhh[i * H + j] += a * v[j];
      }
    }
  }
  return weight * total;
}
