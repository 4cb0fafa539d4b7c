// Connectivity: how strongly the output at step t depends on the input at each earlier step s,
//   C(t, s) = ‖∂y_t/∂x_s‖_F   (Frobenius over the Y output units and the X inputs), s ≤ t,
// computed by backpropagation through the training network itself (the Distill article "Visualizing
// memorization in RNNs" showed this for pretrained models; here it is live, for the weights being trained).
//
// How: forward the sequence once. Then for each seed direction q in output space, put q at step t of every
// batch row at once — rows never interact, so row b's backward is exactly qᵀ ∂y_{t,b}/∂(row b) — and run the
// network's own BPTT over [0, t+1). After it, ws.dGi holds the bottom layer's pre-activation gradients
// (layers are processed top-down), and the input gradient is qᵀ ∂y/∂x_s = dGi(s) · W_ih(layer 0).
//
// Which seeds: summing ‖qᵀ J‖² over any orthonormal basis {q} of R^Y gives ‖J‖_F², and since
// y = W_head h + b, directions orthogonal to the range of W_head contribute nothing. So an orthonormal basis
// of range(W_head) suffices: min(Y, H) backward passes instead of Y (a char model's Y is its vocabulary,
// often several times H).
import type { Batch } from '../batch';
import { addMatMul } from '../linalg';
import { Network, type Workspace } from '../model';
import { findTensor, gateCount, type ModelSpec } from '../spec';

export interface ConnectivityResult {
  t: number; // the output step
  /** Per batch row b, ‖∂y_{t,b}/∂x_{s,b}‖_F for s = 0..t: (B) × (t + 1). */
  perRow: Float64Array[];
  /** The mean over batch rows: (t + 1). */
  mean: Float64Array;
}

/**
 * Reusable: holds a float64 copy of the parameters, a scratch gradient buffer and one forward pass of a
 * batch, so several output steps t can be probed without forwarding again.
 */
export class ConnectivityProbe {
  private readonly net: Network;
  private readonly ws: Workspace;
  private readonly x: Float64Array; // (T, B, X)
  private readonly Wih0: Float64Array; // (G·H, X) layer 0's input weights
  private readonly seeds: Float64Array[]; // orthonormal basis of range(W_head), each (Y)
  readonly T: number;
  readonly B: number;

  constructor(
    readonly spec: ModelSpec,
    params: ArrayLike<number>,
    batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>,
  ) {
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    if (batch.x.length !== batch.T * batch.B * batch.X) throw new Error(`x has ${batch.x.length} numbers, expected T·B·X = ${batch.T * batch.B * batch.X}`);
    const p = Float64Array.from(params);
    this.net = new Network(spec, p, new Float64Array(p.length));
    if (p.length !== this.net.layout.size) throw new Error(`expected ${this.net.layout.size} parameters for this model, got ${p.length}`);
    this.T = batch.T;
    this.B = batch.B;
    this.x = Float64Array.from(batch.x);
    this.ws = this.net.newWorkspace(batch.T, batch.B);
    this.net.loadState(this.ws, this.net.zeroState(batch.B));
    this.net.forward(this.ws, this.x, 0, batch.T);
    const wih = findTensor(this.net.layout, 'weight_ih', 0)!;
    this.Wih0 = p.subarray(wih.offset, wih.offset + wih.size);
    const head = findTensor(this.net.layout, 'head_weight', -1)!;
    this.seeds = rangeBasis(p.subarray(head.offset, head.offset + head.size), spec.outputSize, spec.hiddenSize);
  }

  /** How many backward passes one output step costs (the rank of W_head). */
  get passes(): number {
    return this.seeds.length;
  }

  /** Head outputs of the forward pass: (T, B, Y). */
  get outputs(): Float64Array {
    return this.ws.out;
  }

  /** C(t, s) for s = 0..t, per batch row and averaged over rows. */
  at(t: number): ConnectivityResult {
    const { T, B } = this;
    if (!(Number.isInteger(t) && t >= 0 && t < T)) throw new Error(`output step ${t} is not in 0..${T - 1}`);
    const { inputSize: X, hiddenSize: H, outputSize: Y } = this.spec;
    const GH = gateCount(this.spec.cell) * H;
    const ws = this.ws;
    const sq = new Float64Array((t + 1) * B); // (t+1, B) Σ_q Σ_i (qᵀ ∂y_{t,b}/∂x_{s,b,i})² = ‖∂y_{t,b}/∂x_{s,b}‖_F²
    const dx = new Float64Array(B * X); // (B, X) one step's input gradient
    for (const q of this.seeds) {
      ws.dOut.fill(0);
      for (let b = 0; b < B; b++) ws.dOut.set(q, (t * B + b) * Y);
      this.net.grads.fill(0); // scratch: the parameter gradient is not wanted here
      this.net.backward(ws, this.x, 0, t + 1, 0, false);
      for (let s = 0; s <= t; s++) {
        dx.fill(0);
        addMatMul(dx, ws.dGi, this.Wih0, B, X, GH, s * B * GH); // (B, G·H) · (G·H, X)
        for (let b = 0; b < B; b++) {
          let acc = 0;
          for (let i = 0; i < X; i++) acc += dx[b * X + i] * dx[b * X + i];
          sq[s * B + b] += acc;
        }
      }
    }
    const perRow = Array.from({ length: B }, (_, b) => {
      const row = new Float64Array(t + 1);
      for (let s = 0; s <= t; s++) row[s] = Math.sqrt(sq[s * B + b]);
      return row;
    });
    const mean = new Float64Array(t + 1);
    for (const row of perRow) for (let s = 0; s <= t; s++) mean[s] += row[s] / B;
    return { t, perRow, mean };
  }
}

/** One-shot: C(t, ·) of a batch under the given parameters (params laid out by paramLayout(spec)). */
export function connectivity(spec: ModelSpec, params: ArrayLike<number>, batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>, t: number): ConnectivityResult {
  return new ConnectivityProbe(spec, params, batch).at(t);
}

/**
 * The whole lower triangle C(t, s) for every output step t: (T) rows of length t + 1. Costs T·Y backward
 * passes; meant for short sequences (the Distill-style heat map).
 */
export function connectivityMatrix(spec: ModelSpec, params: ArrayLike<number>, batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>): Float64Array[] {
  const probe = new ConnectivityProbe(spec, params, batch);
  return Array.from({ length: batch.T }, (_, t) => probe.at(t).mean);
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
