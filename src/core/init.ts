// Parameter initialisation, the W_rec scale, and the spectral statistics of the recurrent matrices.
//
// The W_rec scale (Config `wrec`): each layer's whole recurrent matrix weight_hh — all G gate blocks stacked,
// shape (G·H, H) — is multiplied by one number so that its largest singular value σ_max equals `wrec`.
// σ_max is the quantity of Pascanu et al. (2013)'s condition: with |f'| ≤ γ (γ = 1 for tanh), σ_max < 1/γ is
// sufficient for gradients to vanish; σ_max > 1/γ is necessary for them to explode.
import type { ModelSpec, TensorInfo } from './spec';
import { cellInfo, findTensor, gateCount, lstmFlags, paramLayout } from './spec';
import type { Rng } from './rng';
import { sigmaMax, spectralRadius } from './spectral';

export type InitKind = 'pytorch' | 'xavier' | 'orthogonal' | 'identity';
export type BiasInit = 'default' | 'forget1' | 'chrono';

export interface InitOptions {
  init: InitKind;
  /** σ_max of each layer's stacked weight_hh after initialisation; 0 keeps the initialiser's own scale. Ignored for ESN. */
  wrec: number;
  /** LSTM gate biases after `init` (initGateBiases); default leaves them as `init` made them. Other cells ignore it. */
  bias?: BiasInit;
  /** chrono's T_max: the longest dependency expected (the Config's T). */
  tMax?: number;
}

/**
 * A fresh parameter vector laid out by paramLayout(spec). Draws happen in layout order, so the same
 * seed always gives the same parameters.
 *
 * - pytorch: every rnn.* tensor and the head U(−1/√H, 1/√H) (nn.RNN/LSTM/GRU's and nn.Linear's defaults, fan_in = H).
 * - xavier: each gate block of weight_ih and weight_hh Xavier-uniform, U(±√(6/(fan_in + H))); biases 0.
 * - orthogonal: each H×H gate block of weight_hh orthogonal (QR of a Gaussian, signs fixed so R has a
 *   positive diagonal); weight_ih Xavier; biases 0.
 * - identity (Le et al. 2015, IRNN): each weight_hh gate block = I; weight_ih N(0, 0.001²); biases 0.
 * - For LSTM under xavier/orthogonal/identity the forget-gate block of bias_ih is 1 (Gers et al. 2000's
 *   common practice: start by remembering). Under pytorch it stays PyTorch's uniform draw.
 * - Under every init: peephole weights start at 0; the FGR gate-to-gate weights U(−1/√H, 1/√H)·0.1 (small,
 *   so FGR starts close to the vanilla LSTM); the head is nn.Linear's default U(−1/√H, 1/√H).
 * - ESN ignores `init` and `wrec`: W_in U(−s, s) with s = esn.inputScale; biases 0 (so the reservoir's
 *   response is odd in its input, as in Jaeger's original ESN); W_res a Gaussian matrix rescaled to spectral
 *   radius esn.spectralRadius; head 0 (the readout is what learns).
 */
export function initParams(spec: ModelSpec, opts: InitOptions, rng: Rng): Float32Array {
  const layout = paramLayout(spec);
  const params = new Float32Array(layout.size);
  const H = spec.hiddenSize;
  const bound = 1 / Math.sqrt(H);
  if (cellInfo(spec.cell).reservoir) {
    initEsn(spec, layout.tensors, params, rng);
    return params;
  }
  for (const t of layout.tensors) {
    const view = params.subarray(t.offset, t.offset + t.size);
    switch (t.role) {
      case 'head_weight':
      case 'head_bias':
        fillUniform(view, -bound, bound, rng);
        break;
      case 'peephole':
        view.fill(0);
        break;
      case 'weight_gg':
        fillUniform(view, -0.1 * bound, 0.1 * bound, rng);
        break;
      default:
        initRecurrentTensor(spec, t, view, opts.init, rng);
    }
  }
  if (opts.wrec > 0) rescaleRecurrent(params, spec, opts.wrec);
  initGateBiases(params, spec, opts.bias ?? 'default', opts.tMax ?? 2, rng);
  return params;
}

/**
 * In place: the LSTM gate-bias initialisations (Config `bias`), on top of whatever `init` drew (their draws come
 * after all of init's, so every other parameter is the same as with bias=default for the same seed). PyTorch's
 * LSTM has two bias vectors per layer, added: b = bias_ih + bias_hh. Both rules put the whole bias in bias_ih and
 * 0 in bias_hh for the gate blocks they set; the g and o blocks keep init's values.
 * - default: nothing (init's own biases).
 * - forget1 (Gers, Schmidhuber & Cummins 2000; Jozefowicz, Zaremba & Sutskever 2015): b_f = 1 — bias_ih's f block
 *   1, bias_hh's f block 0.
 * - chrono (Tallec & Ollivier 2018): per unit b_f = log(u), u ~ U(1, T_max − 1), and b_i = −b_f — bias_ih's f block
 *   log u, its i block −log u; bias_hh's f and i blocks 0. T_max = tMax (the Config's T; T_max = 2 gives b = 0).
 * Greff variants: every variant gets the same numbers in the same blocks. Where a gate is removed its block is
 * unused (NFG: f ≡ 1, so forget1 changes nothing the cell computes and chrono only sets b_i; NIG: i ≡ 1, chrono's
 * b_i unused). CIFG computes f = 1 − i = σ(−pre_i), so it reads only the i block: chrono's b_i = −b_f gives
 * f = σ(b_f), exactly chrono's forget gate, and forget1 also sets b_i = −1 (bias_ih's i block −1, bias_hh's 0) so
 * that f = σ(1) as in the full LSTM. Other cells (RNN, GRU, ESN): nothing.
 */
export function initGateBiases(params: Float32Array, spec: ModelSpec, bias: BiasInit, tMax: number, rng: Rng): void {
  if (!cellInfo(spec.cell).lstmVariants || bias === 'default') return;
  const layout = paramLayout(spec);
  const H = spec.hiddenSize;
  const coupled = lstmFlags(spec.variant).coupled;
  const top = Math.max(1, tMax - 1);
  for (let l = 0; l < spec.numLayers; l++) {
    const bih = findTensor(layout, 'bias_ih', l)!;
    const bhh = findTensor(layout, 'bias_hh', l)!;
    const ih = params.subarray(bih.offset, bih.offset + 4 * H); // blocks i, f, g, o
    const hh = params.subarray(bhh.offset, bhh.offset + 4 * H);
    for (let j = 0; j < H; j++) {
      if (bias === 'forget1') {
        ih[H + j] = 1;
        hh[H + j] = 0;
        if (coupled) {
          ih[j] = -1;
          hh[j] = 0;
        }
      } else {
        const bf = Math.log(rng.uniform(1, top));
        ih[H + j] = bf;
        ih[j] = -bf;
        hh[H + j] = 0;
        hh[j] = 0;
      }
    }
  }
}

function initRecurrentTensor(spec: ModelSpec, t: TensorInfo, view: Float32Array, init: InitKind, rng: Rng): void {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell);
  if (init === 'pytorch') {
    fillUniform(view, -1 / Math.sqrt(H), 1 / Math.sqrt(H), rng);
    return;
  }
  const cols = t.role === 'weight_ih' || t.role === 'weight_hh' ? t.shape[1] : 1;
  for (let g = 0; g < G; g++) {
    const block = view.subarray(g * H * cols, (g + 1) * H * cols); // (H, cols) gate block g
    if (t.role === 'weight_ih') {
      if (init === 'identity') fillNormal(block, 0, 0.001, rng);
      else fillUniform(block, -xavierBound(cols, H), xavierBound(cols, H), rng);
    } else if (t.role === 'weight_hh') {
      if (init === 'xavier') fillUniform(block, -xavierBound(H, H), xavierBound(H, H), rng);
      else if (init === 'orthogonal') block.set(randomOrthogonal(H, rng));
      else setIdentity(block, H);
    } else {
      // Biases: zero, except the LSTM forget gate (block 1 of i,f,g,o) in bias_ih.
      block.fill(cellInfo(spec.cell).lstmVariants && t.role === 'bias_ih' && g === 1 ? 1 : 0);
    }
  }
}

function initEsn(spec: ModelSpec, tensors: TensorInfo[], params: Float32Array, rng: Rng): void {
  const H = spec.hiddenSize;
  const s = spec.esn.inputScale;
  for (const t of tensors) {
    const view = params.subarray(t.offset, t.offset + t.size);
    if (t.role === 'weight_ih') fillUniform(view, -s, s, rng);
    else if (t.role === 'weight_hh') fillNormal(view, 0, 1 / Math.sqrt(H), rng);
    else view.fill(0); // biases and the head
  }
  rescaleReservoir(params, spec, spec.esn.spectralRadius);
}

/**
 * In place: multiply each layer's whole weight_hh ((G·H, H), all gate blocks) by one factor so that its σ_max
 * equals `wrec` (see the top of this file). A zero matrix stays zero. ESN is left alone: its reservoir is
 * scaled by spectral radius instead (rescaleReservoir). Returns the factor applied per layer.
 */
export function rescaleRecurrent(params: Float32Array, spec: ModelSpec, wrec: number): number[] {
  const layout = paramLayout(spec);
  const factors: number[] = [];
  if (cellInfo(spec.cell).reservoir) return factors;
  if (!(wrec >= 0 && Number.isFinite(wrec))) throw new Error(`W_rec scale must be a finite number ≥ 0, got ${wrec}`);
  for (let l = 0; l < spec.numLayers; l++) {
    const t = findTensor(layout, 'weight_hh', l)!;
    const W = params.subarray(t.offset, t.offset + t.size); // (G·H, H)
    const sigma = sigmaMax(W, t.shape[0], t.shape[1]);
    const factor = sigma > 0 && Number.isFinite(sigma) ? wrec / sigma : 1;
    for (let i = 0; i < W.length; i++) W[i] *= factor;
    factors.push(factor);
  }
  return factors;
}

/** In place: scale an ESN's reservoir weight_hh (H, H) to spectral radius `rho` (a zero reservoir stays zero). */
export function rescaleReservoir(params: Float32Array, spec: ModelSpec, rho: number): number {
  if (!cellInfo(spec.cell).reservoir) throw new Error('rescaleReservoir applies to echo-state networks only');
  if (!(rho >= 0 && Number.isFinite(rho))) throw new Error(`spectral radius must be a finite number ≥ 0, got ${rho}`);
  const t = findTensor(paramLayout(spec), 'weight_hh', 0)!;
  const W = params.subarray(t.offset, t.offset + t.size); // (H, H)
  const radius = spectralRadius(W, spec.hiddenSize);
  const factor = radius > 0 && Number.isFinite(radius) ? rho / radius : 1;
  for (let i = 0; i < W.length; i++) W[i] *= factor;
  return factor;
}

export interface RecurrentStats {
  /** σ_max of each layer's stacked weight_hh (G·H, H): the W_rec scale. */
  sigmaMax: number[];
  /**
   * Spectral radius of an H×H recurrent matrix per layer: the cell's candidate block of weight_hh (registry
   * `candidateBlock`: the whole matrix for RNN and ESN, LSTM's g, GRU's and MGU's n) — the block through which
   * h_{t−1} feeds the new content, the closest analogue of a vanilla RNN's W_rec (a stacked (G·H, H) matrix
   * is not square and has no eigenvalues).
   */
  spectralRadius: number[];
}

export function recurrentStats(params: Float32Array, spec: ModelSpec): RecurrentStats {
  const layout = paramLayout(spec);
  const H = spec.hiddenSize;
  const stats: RecurrentStats = { sigmaMax: [], spectralRadius: [] };
  for (let l = 0; l < spec.numLayers; l++) {
    const t = findTensor(layout, 'weight_hh', l)!;
    const W = params.subarray(t.offset, t.offset + t.size); // (G·H, H)
    stats.sigmaMax.push(sigmaMax(W, t.shape[0], t.shape[1]));
    const blockStart = cellInfo(spec.cell).candidateBlock * H * H;
    stats.spectralRadius.push(spectralRadius(W.subarray(blockStart, blockStart + H * H), H));
  }
  return stats;
}

function xavierBound(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

function fillUniform(out: Float32Array, lo: number, hi: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(lo, hi);
}

function fillNormal(out: Float32Array, mean: number, std: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
}

function setIdentity(out: Float32Array, n: number): void {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
}

/**
 * An n×n orthogonal matrix (row-major), Haar-distributed: modified Gram–Schmidt on the rows of a Gaussian
 * matrix, i.e. Qᵀ of the QR factorisation of a Gaussian (itself Gaussian) with R's diagonal positive — the
 * sign-fixed QR. Rows keep memory access contiguous. One pass suffices: a Gaussian matrix has condition
 * number ~n, so MGS stays orthogonal to ~1e-12 in float64, far below the float32 the parameters are kept in.
 */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const Q = new Float64Array(n * n); // (n, n)
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  for (let r = 0; r < n; r++) {
    const row = Q.subarray(r * n, (r + 1) * n);
    for (let p = 0; p < r; p++) project(row, Q.subarray(p * n, (p + 1) * n));
    let norm = 0;
    for (let j = 0; j < n; j++) norm += row[j] * row[j];
    norm = Math.sqrt(norm);
    for (let j = 0; j < n; j++) row[j] /= norm;
  }
  return Q;
}

/** row −= (row · unit) unit, for a unit vector. */
function project(row: Float64Array, unit: Float64Array): void {
  const n = row.length;
  // Four accumulators: a single one makes the dot product a chain of dependent additions.
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    d0 += row[j] * unit[j];
    d1 += row[j + 1] * unit[j + 1];
    d2 += row[j + 2] * unit[j + 2];
    d3 += row[j + 3] * unit[j + 3];
  }
  for (; j < n; j++) d0 += row[j] * unit[j];
  const d = d0 + d1 + d2 + d3;
  for (let k = 0; k < n; k++) row[k] -= d * unit[k];
}
