// The cliff (Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural networks"):
// the loss of a recurrent network, seen along the scale of its recurrent weights, is flat on one side and rises
// into a wall where the dynamics bifurcate (σ_max(W_hh) near 1 for tanh); there the gradient is huge, and a plain
// gradient step from the wall throws the parameters far away. Clipping the gradient's norm keeps that step short.
//
// Two pure computations:
// - cliffCurve: the current network with each layer's W_hh rescaled to σ_max = s, for s log-spaced over
//   [0.1, 10]: the loss (forward) and the total gradient norm (backward, no update) on one fixed batch, through
//   the page's engine (the caller's `evaluate` writes the parameters and runs one step with update: false).
// - singleUnitSurface: the paper's one-neuron example x_t = w·σ(x_{t−1}) + b (σ the logistic sigmoid), the loss
//   (x_T − target)² over a grid of (w, b): the surface whose walls the paper draws.
import { clipGradients } from '../clip';
import { recurrentStats, rescaleRecurrent } from '../init';
import { CancelledError } from '../inspect/connectivity';
import { clock, yieldToEventLoop } from '../inspect/timing';
import { cellInfo, paramLayout, type ModelSpec } from '../spec';
import { passMultiplyAdds } from '../work';
import type { FigureVerdict } from './verdict';

/** The σ_max values of the curve: `points` of them, log-spaced from `lo` to `hi`. */
export const CLIFF_POINTS = 60;
export const CLIFF_SIGMA_RANGE = [0.1, 10] as const;

export function cliffScales(points = CLIFF_POINTS, lo: number = CLIFF_SIGMA_RANGE[0], hi: number = CLIFF_SIGMA_RANGE[1]): number[] {
  if (!(Number.isInteger(points) && points >= 2)) throw new Error(`the cliff needs at least 2 points, got ${points}`);
  if (!(lo > 0 && hi > lo)) throw new Error(`the cliff's σ_max range must be 0 < lo < hi, got ${lo}..${hi}`);
  return Array.from({ length: points }, (_, i) => lo * (hi / lo) ** (i / (points - 1)));
}

/** What one backward pass (update: false) of the page's engine reports for a set of parameters. */
export interface LossAndGradient {
  loss: number; // data loss on the fixed batch
  gradNorm: number; // total gradient norm, before any clipping
  finite: boolean;
  /** The raw gradient, laid out like the parameters (only when asked for). */
  grads?: ArrayLike<number>;
}

/** Writes `params` into the engine and runs forward and backward on the fixed batch without an update. */
export type EvaluateParams = (params: Float32Array, wantGrads: boolean) => Promise<LossAndGradient>;

export interface CliffPoint {
  sigmaMax: number;
  loss: number;
  gradNorm: number;
  finite: boolean;
}

/** Where one gradient step from the current parameters lands: its σ_max (bottom layer) and loss. */
export interface Landing {
  sigmaMax: number;
  loss: number;
}

export interface CliffStep {
  from: Landing; // the current parameters
  gradNorm: number; // ‖g‖ there
  lr: number;
  clipAt: number;
  raw: Landing; // θ − lr·g
  clipped: Landing; // θ − lr·g·min(1, clipAt/‖g‖)
}

export interface CliffResult {
  points: CliffPoint[];
  current: CliffStep;
}

/** The most multiply-adds one cliff may cost (≈ tens of seconds on the CPU engine). */
export const CLIFF_MAX_MULTIPLY_ADDS = 2e10;

/** Multiply-adds of the figure: (points + 3) forward-and-backward passes of (T, B) through every layer. */
export function cliffWork(spec: ModelSpec, T: number, B: number, points = CLIFF_POINTS): number {
  return (points + 3) * passMultiplyAdds(spec, T, B);
}

/** Why the cliff of this network cannot be computed here (naming the limit), or null. */
export function cliffProblem(spec: ModelSpec, T: number, B: number, points = CLIFF_POINTS): string | null {
  if (cellInfo(spec.cell).reservoir) return 'an echo-state network’s reservoir is fixed: it has no W_rec scale to train along';
  const work = cliffWork(spec, T, B, points);
  if (work > CLIFF_MAX_MULTIPLY_ADDS) {
    return `the cliff needs about ${work.toExponential(1)} multiply-adds (${points + 3} backward passes at H=${spec.hiddenSize}, layers=${spec.numLayers}, T=${T}, B=${B}), over its limit of ${CLIFF_MAX_MULTIPLY_ADDS.toExponential(0)}: lower H, T, B or layers`;
  }
  return null;
}

export interface CliffOptions {
  points?: number;
  lr: number;
  clipAt: number;
  /** Called after each evaluation with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Checked before each evaluation: once aborted, the call rejects with CancelledError. */
  signal?: AbortSignal;
  /** Give the event loop a turn at least this often (ms), so a worker hears Cancel on the CPU engine. */
  yieldMs?: number;
}

/** σ_max of the bottom layer's W_hh (the slider's number). */
function bottomSigma(params: Float32Array, spec: ModelSpec): number {
  return recurrentStats(params, spec).sigmaMax[0];
}

/**
 * The curve and the current point's step. `evaluate` is the only thing that touches the engine; the caller
 * writes the original parameters back afterwards (this function never keeps the engine's weights changed).
 */
export async function cliffCurve(evaluate: EvaluateParams, spec: ModelSpec, params: Float32Array, options: CliffOptions): Promise<CliffResult> {
  if (params.length !== paramLayout(spec).size) throw new Error(`expected ${paramLayout(spec).size} parameters for this model, got ${params.length}`);
  if (cellInfo(spec.cell).reservoir) throw new Error('an echo-state network’s reservoir is fixed: it has no W_rec scale to train along');
  if (!params.every(Number.isFinite)) throw new Error('the weights are not finite (the run diverged): rewind or reset first');
  if (!(bottomSigma(params, spec) > 0)) throw new Error('W_rec is zero: there is no direction to rescale it along');
  if (!(options.lr > 0 && options.clipAt > 0)) throw new Error(`the step needs lr > 0 and a clip threshold > 0, got ${options.lr}, ${options.clipAt}`);
  const scales = cliffScales(options.points);
  const total = scales.length + 3;
  let done = 0;
  const yieldMs = options.yieldMs ?? 50;
  let lastYield = clock();
  const next = async (p: Float32Array, wantGrads: boolean): Promise<LossAndGradient> => {
    if (clock() - lastYield >= yieldMs) {
      await yieldToEventLoop();
      lastYield = clock();
    }
    if (options.signal?.aborted) throw new CancelledError();
    const result = await evaluate(p, wantGrads);
    options.onProgress?.(++done, total);
    return result;
  };

  const points: CliffPoint[] = [];
  for (const s of scales) {
    const p = params.slice();
    rescaleRecurrent(p, spec, s);
    const { loss, gradNorm, finite } = await next(p, false);
    points.push({ sigmaMax: s, loss, gradNorm, finite });
  }

  // the current point, and where a plain gradient step (lr) lands with and without clipping at clipAt
  const here = await next(params.slice(), true);
  if (!here.grads) throw new Error('the engine returned no gradient');
  const layout = paramLayout(spec);
  const raw = Float64Array.from(here.grads);
  const clippedGrad = raw.slice();
  clipGradients(clippedGrad, layout, 'norm', options.clipAt);
  const landing = async (g: Float64Array): Promise<Landing> => {
    const p = params.slice();
    for (let i = 0; i < p.length; i++) p[i] -= options.lr * g[i];
    const { loss } = await next(p, false);
    return { sigmaMax: bottomSigma(p, spec), loss };
  };
  const current: CliffStep = {
    from: { sigmaMax: bottomSigma(params, spec), loss: here.loss },
    gradNorm: here.gradNorm,
    lr: options.lr,
    clipAt: options.clipAt,
    raw: await landing(raw),
    clipped: await landing(clippedGrad),
  };
  return { points, current };
}

// ---- the single-unit example (Pascanu et al. 2013, section 2 and its figure of the error surface) ----------

export interface SingleUnitOptions {
  x0: number; // the initial state
  T: number; // steps
  target: number; // the loss is (x_T − target)²
}

export const SINGLE_UNIT: SingleUnitOptions = { x0: 0.5, T: 50, target: 0.7 };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x_T of x_t = w·σ(x_{t−1}) + b from x_0. */
export function singleUnitState(w: number, b: number, options: SingleUnitOptions = SINGLE_UNIT): number {
  let x = options.x0;
  for (let t = 0; t < options.T; t++) x = w * sigmoid(x) + b;
  return x;
}

export function singleUnitLoss(w: number, b: number, options: SingleUnitOptions = SINGLE_UNIT): number {
  return (singleUnitState(w, b, options) - options.target) ** 2;
}

export interface Surface {
  w: number[]; // columns, increasing
  b: number[]; // rows, increasing
  loss: Float64Array; // (b.length, w.length), row-major
}

/** The default grid: w and b over a range that holds the bifurcation (two stable states for w > 4, b ≈ −w/2). */
export const SURFACE_GRID = { w: [0, 12], b: [-9, 1], columns: 48, rows: 40 } as const;

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function singleUnitSurface(grid: { w: readonly [number, number] | readonly number[]; b: readonly [number, number] | readonly number[]; columns: number; rows: number } = SURFACE_GRID, options: SingleUnitOptions = SINGLE_UNIT): Surface {
  if (!(grid.columns >= 2 && grid.rows >= 2)) throw new Error(`the surface needs at least 2×2 points, got ${grid.columns}×${grid.rows}`);
  const w = linspace(grid.w[0], grid.w[1], grid.columns);
  const b = linspace(grid.b[0], grid.b[1], grid.rows);
  const loss = new Float64Array(b.length * w.length);
  for (let r = 0; r < b.length; r++) for (let c = 0; c < w.length; c++) loss[r * w.length + c] = singleUnitLoss(w[c], b[r], options);
  return { w, b, loss };
}

/** Well below and well above tanh's bifurcation at σ_max = 1: where the figure compares the gradient norm. */
export const CLIFF_BELOW = 0.5;
export const CLIFF_ABOVE = 3;
/** The rise across σ_max = 1 that makes a wall (the paper's orders of magnitude). */
export const CLIFF_RISE = 1e3;

/**
 * The curve against the paper's finding — the gradient norm rises by orders of magnitude across σ_max = 1 — as the
 * smallest ‖∇L‖ at σ_max ≥ CLIFF_ABOVE over the largest at σ_max ≤ CLIFF_BELOW (an overflow above counts as a wall).
 */
export function cliffVerdict(points: readonly CliffPoint[]): FigureVerdict {
  const below = points.filter((p) => p.sigmaMax <= CLIFF_BELOW && Number.isFinite(p.gradNorm)).map((p) => p.gradNorm);
  const above = points.filter((p) => p.sigmaMax >= CLIFF_ABOVE).map((p) => (Number.isFinite(p.gradNorm) ? p.gradNorm : Infinity));
  if (below.length === 0 || above.length === 0) return { status: 'pending', text: `not yet: the curve has no point at σ_max ≤ ${CLIFF_BELOW} or ≥ ${CLIFF_ABOVE}` };
  const lo = Math.max(...below);
  const hi = Math.min(...above);
  const rise = hi / lo;
  const two = (v: number) => (v >= 1e4 ? v.toExponential(1).replace('e+', 'e') : String(Number(v.toPrecision(2))));
  const numbers = `‖∇L‖ is at most ${two(lo)} for σ_max ≤ ${CLIFF_BELOW} and at least ${Number.isFinite(hi) ? two(hi) : 'an overflow'} for σ_max ≥ ${CLIFF_ABOVE}`;
  return rise >= CLIFF_RISE
    ? { status: 'agrees', text: `Agrees with the paper: ${numbers}, ${Number.isFinite(rise) ? `a rise of ${two(rise)}-fold` : 'a rise past what a float holds'} across σ_max = 1.` }
    : { status: 'differs', text: `Differs from the paper's wall: ${numbers}, only ${two(rise)}-fold (under ${two(CLIFF_RISE)}) for this network.` };
}
