// Connectivity: how strongly the output at step t depends on the input at each earlier step s,
//   C(t, s) = ‖∂y_t/∂x_s‖_F   (Frobenius over the Y output units and the X inputs), s ≤ t,
// computed by backpropagation through the training network itself (the Distill article "Visualizing
// memorization in RNNs" showed this for pretrained models; here it is live, for the weights being trained).
//
// How: for a seed direction q in output space, put q at step t of a sequence's output gradient and
// backpropagate through the network: the input gradient at step s is qᵀ ∂y_t/∂x_s. Summing ‖qᵀ J‖² over an
// orthonormal basis {q} of R^Y gives ‖J‖_F², and since y = W_head h + b, directions orthogonal to the range of
// W_head contribute nothing: an orthonormal basis of range(W_head) suffices, min(Y, H) seeds instead of Y (a char
// model's Y is its vocabulary, often several times H).
//
// Every (output step t, sequence b, seed q) is one independent row, so all of them are stacked as the rows
// of one batch and sent through the ACTIVE ENGINE's inputGradientNorms (WebGPU kernels on the GPU engine,
// the float64 core math below on the CPU engine) — a few passes in all, not one per seed or per t.
import type { Batch } from '../batch';
import { addMatMul } from '../linalg';
import { Network } from '../model';
import { findTensor, gateCount, paramLayout, type ModelSpec } from '../spec';
import { clock, yieldToEventLoop } from './timing';

export interface ConnectivityResult {
  t: number; // the output step
  /** Per batch row b, ‖∂y_{t,b}/∂x_{s,b}‖_F for s = 0..t: (B) × (t + 1). */
  perRow: Float64Array[];
  /** The mean over batch rows: (t + 1). */
  mean: Float64Array;
}

/**
 * The engine primitive (Engine.inputGradientNorms): forward x (T, R, X) from a zero state, backpropagate the
 * output gradient dOut (T, R, Y), return ‖∂(Σ_t dOut_t · y_t)/∂x_{s,r}‖² for every step s and row r: (T, R).
 */
export type InputGradientNorms = (x: Float32Array, dOut: Float32Array, T: number, R: number) => Promise<ArrayLike<number>>;

/** The float64 reference of InputGradientNorms on the core math (the CPU engine's implementation). */
export function inputGradientNorms(spec: ModelSpec, params: ArrayLike<number>, x: Float32Array, dOut: Float32Array, T: number, R: number): Float64Array {
  const { inputSize: X, hiddenSize: H } = spec;
  const p = params instanceof Float64Array ? params : Float64Array.from(params);
  const layoutSize = paramLayout(spec).size;
  if (p.length !== layoutSize) throw new Error(`expected ${layoutSize} parameters for this model, got ${p.length}`);
  checkShapes(spec, x, dOut, T, R);
  const net = new Network(spec, p, new Float64Array(p.length)); // scratch gradient: never read
  const ws = net.newWorkspace(T, R);
  net.loadState(ws, net.zeroState(R));
  net.forward(ws, x, 0, T);
  ws.dOut.set(dOut);
  net.backward(ws, x, 0, T, 0, false);
  // After backward, ws.dGi holds the bottom layer's pre-activation gradients (layers go top-down), and the
  // input gradient is dx = dGi · W_ih(layer 0):  (T·R, G·H) · (G·H, X)
  const wih = findTensor(net.layout, 'weight_ih', 0)!;
  const GH = gateCount(spec.cell) * H;
  const dx = new Float64Array(T * R * X); // (T, R, X)
  addMatMul(dx, ws.dGi, p.subarray(wih.offset, wih.offset + wih.size), T * R, X, GH);
  const norms = new Float64Array(T * R); // (T, R)
  for (let i = 0; i < T * R; i++) {
    let acc = 0;
    for (let k = 0; k < X; k++) acc += dx[i * X + k] ** 2;
    norms[i] = acc;
  }
  return norms;
}

/** The checks both engines make on an inputGradientNorms call; `Y` rows of dOut, `X` of x. */
export function checkShapes(spec: ModelSpec, x: ArrayLike<number>, dOut: ArrayLike<number>, T: number, R: number): void {
  if (!(Number.isInteger(T) && T > 0 && Number.isInteger(R) && R > 0)) throw new Error(`input gradients need T ≥ 1 and R ≥ 1 rows, got T=${T}, R=${R}`);
  if (x.length !== T * R * spec.inputSize) throw new Error(`x has ${x.length} numbers, expected T·R·X = ${T * R * spec.inputSize}`);
  if (dOut.length !== T * R * spec.outputSize) throw new Error(`dOut has ${dOut.length} numbers, expected T·R·Y = ${T * R * spec.outputSize}`);
}

/** Seed directions: an orthonormal basis of range(W_head), each of length Y. */
export function connectivitySeeds(spec: ModelSpec, params: ArrayLike<number>): Float64Array[] {
  const layout = paramLayout(spec);
  if (params.length !== layout.size) throw new Error(`expected ${layout.size} parameters for this model, got ${params.length}`);
  const head = findTensor(layout, 'head_weight', -1)!;
  const W = Array.from({ length: head.size }, (_, i) => params[head.offset + i]); // (Y, H)
  return rangeBasis(W, spec.outputSize, spec.hiddenSize);
}

/**
 * Memory the engines need per (row, step) of an inputGradientNorms pass, in bytes: float64 traces and gradients
 * per layer (the CPU engine; the GPU's float32 buffers are smaller), inputs, outputs and their gradients.
 */
function bytesPerRowStep(spec: ModelSpec): number {
  const GH = gateCount(spec.cell) * spec.hiddenSize;
  const H = spec.hiddenSize;
  return 8 * (spec.numLayers * (3 * GH + 5 * H) + 2 * GH + 2 * spec.inputSize + 2 * spec.outputSize);
}

/** What one inspection may allocate for its stacked rows; passes are cut to fit. */
export const CONNECTIVITY_PASS_BYTES = 48 * 1024 * 1024;

export interface ConnectivityOptions {
  /** Bytes one pass may use (default CONNECTIVITY_PASS_BYTES); fewer means more, smaller passes. */
  passBytes?: number;
  /** Called after each pass with (passes done, passes in all), e.g. for a progress bar. */
  onPass?: (done: number, total: number) => void;
  /** Checked before each pass: once aborted, the call rejects with a "cancelled" error. */
  signal?: AbortSignal;
  /**
   * Give the event loop a turn between passes at least this often (ms; default 50): on the CPU engine a pass
   * never awaits anything real, and a worker must still hear "pause" or the request that cancels this one.
   */
  yieldMs?: number;
}

/** The error an aborted computation rejects with. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** One stacked row: output step t of batch row b, seen through seed q. */
interface RowJob {
  t: number;
  b: number;
  q: number;
}

/**
 * C(t, ·) for each output step in `steps`, for every row of the batch, through the given engine primitive.
 * Rows are taken latest t first; a pass runs over the steps its latest row needs (t + 1) and holds as many rows
 * as fit `passBytes` at that length, so the heat map's short rows are not run over the whole sequence. A row
 * whose t is earlier than its pass's last step simply carries a zero output gradient after t.
 */
export async function connectivityOn(
  engine: InputGradientNorms,
  spec: ModelSpec,
  params: ArrayLike<number>,
  batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>,
  steps: readonly number[],
  options: ConnectivityOptions = {},
): Promise<ConnectivityResult[]> {
  const { T, B, X } = batch;
  if (X !== spec.inputSize) throw new Error(`batch has X=${X} inputs, the model expects ${spec.inputSize}`);
  if (batch.x.length !== T * B * X) throw new Error(`x has ${batch.x.length} numbers, expected T·B·X = ${T * B * X}`);
  for (const t of steps) if (!(Number.isInteger(t) && t >= 0 && t < T)) throw new Error(`output step ${t} is not in 0..${T - 1}`);
  const seeds = connectivitySeeds(spec, params);
  const Y = spec.outputSize;
  const sq = new Map<number, Float64Array>(steps.map((t) => [t, new Float64Array((t + 1) * B)])); // (t+1, B) Σ over seeds

  const jobs: RowJob[] = [];
  for (const t of [...new Set(steps)].sort((a, b) => b - a)) for (let b = 0; b < B; b++) for (let q = 0; q < seeds.length; q++) jobs.push({ t, b, q });
  const passBytes = options.passBytes ?? CONNECTIVITY_PASS_BYTES;
  const passes: RowJob[][] = [];
  for (let at = 0; at < jobs.length; ) {
    const rowsFit = Math.max(1, Math.floor(passBytes / (bytesPerRowStep(spec) * (jobs[at].t + 1))));
    passes.push(jobs.slice(at, at + rowsFit));
    at += rowsFit;
  }
  const yieldMs = options.yieldMs ?? 50;
  let lastYield = clock();
  for (let pass = 0; pass < passes.length; pass++) {
    if (pass > 0 && clock() - lastYield >= yieldMs) {
      await yieldToEventLoop();
      lastYield = clock();
    }
    if (options.signal?.aborted) throw new CancelledError();
    const rows = passes[pass];
    const R = rows.length;
    const Tp = rows[0].t + 1; // the steps this pass runs over (its rows' latest t)
    const x = new Float32Array(Tp * R * X); // (Tp, R, X)
    const dOut = new Float32Array(Tp * R * Y); // (Tp, R, Y)
    rows.forEach(({ t, b, q }, r) => {
      for (let s = 0; s < Tp; s++) x.set(batch.x.subarray((s * B + b) * X, (s * B + b + 1) * X), (s * R + r) * X);
      dOut.set(seeds[q], (t * R + r) * Y);
    });
    const norms = await engine(x, dOut, Tp, R);
    rows.forEach(({ t, b }, r) => {
      const acc = sq.get(t)!;
      for (let s = 0; s <= t; s++) acc[s * B + b] += norms[s * R + r];
    });
    options.onPass?.(pass + 1, passes.length);
  }
  return steps.map((t) => {
    const acc = sq.get(t)!;
    const perRow = Array.from({ length: B }, (_, b) => Float64Array.from({ length: t + 1 }, (_, s) => Math.sqrt(Math.max(0, acc[s * B + b]))));
    const mean = new Float64Array(t + 1);
    for (const row of perRow) for (let s = 0; s <= t; s++) mean[s] += row[s] / B;
    return { t, perRow, mean };
  });
}

/** The core math as an engine primitive (what CpuEngine does), for pure callers and tests. */
export function referenceEngine(spec: ModelSpec, params: ArrayLike<number>): InputGradientNorms {
  return async (x, dOut, T, R) => inputGradientNorms(spec, params, x, dOut, T, R);
}

/** One-shot on the core math: C(t, ·) of a batch under the given parameters (laid out by paramLayout(spec)). */
export async function connectivity(spec: ModelSpec, params: ArrayLike<number>, batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>, t: number): Promise<ConnectivityResult> {
  const [result] = await connectivityOn(referenceEngine(spec, params), spec, params, batch, [t]);
  return result;
}

/**
 * The whole lower triangle C(t, s) for every output step t < min(T, maxSteps): rows of length t + 1 (the mean
 * over batch rows). The Distill-style heat map; costs about T/2 times one t's work.
 */
export async function connectivityMatrix(
  engine: InputGradientNorms,
  spec: ModelSpec,
  params: ArrayLike<number>,
  batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>,
  maxSteps = batch.T,
  options: ConnectivityOptions = {},
): Promise<Float64Array[]> {
  const steps = Array.from({ length: Math.min(batch.T, maxSteps) }, (_, t) => t);
  return (await connectivityOn(engine, spec, params, batch, steps, options)).map((r) => r.mean);
}

/**
 * An orthonormal basis of the column space of W (Y, H), by modified Gram–Schmidt over its H columns,
 * orthogonalised twice for accuracy; columns that add nothing new (relative residual below 1e-10) are skipped.
 * Returns at most min(Y, H) vectors of length Y; none when W is zero (then y does not depend on x at all).
 */
export function rangeBasis(W: ArrayLike<number>, Y: number, H: number): Float64Array[] {
  const basis: Float64Array[] = [];
  let largest = 0;
  for (let j = 0; j < H; j++) {
    let n = 0;
    for (let k = 0; k < Y; k++) n += W[k * H + j] ** 2;
    largest = Math.max(largest, Math.sqrt(n));
  }
  if (!(largest > 0)) return basis;
  for (let j = 0; j < H && basis.length < Y; j++) {
    const v = new Float64Array(Y);
    for (let k = 0; k < Y; k++) v[k] = W[k * H + j];
    const before = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (!(before > 1e-10 * largest)) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let d = 0;
        for (let k = 0; k < Y; k++) d += q[k] * v[k];
        for (let k = 0; k < Y; k++) v[k] -= d * q[k];
      }
    }
    const after = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (!(after > 1e-10 * before)) continue;
    for (let k = 0; k < Y; k++) v[k] /= after;
    basis.push(v);
  }
  return basis;
}
