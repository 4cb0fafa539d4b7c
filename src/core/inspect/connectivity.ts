// Connectivity: how strongly the output at step t depends on the input at each earlier step s,
//   C(t, s) = ‖∂y_t/∂x_s‖_F   (Frobenius over the Y output units and the X inputs), s ≤ t,
// computed by backpropagation through the training network itself (the Distill article "Visualizing
// memorization in RNNs" showed this for pretrained models; here it is live, for the weights being trained).
//
// How: forward the sequence once. Then for each output unit k, seed ∂/∂out with a one-hot at (t, b, k) for
// every batch row b at once — rows never interact, so row b's backward is exactly ∂y_{t,b,k}/∂(row b) —
// and run the network's own BPTT over [0, t+1). After it, ws.dGi holds the bottom layer's pre-activation
// gradients (layers are processed top-down), and the input gradient is ∂y/∂x_s = dGi(s) · W_ih(layer 0).
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
    const sq = new Float64Array((t + 1) * B); // (t+1, B) Σ_k Σ_i (∂y_{t,b,k}/∂x_{s,b,i})²
    const dx = new Float64Array(B * X); // (B, X) one step's input gradient
    for (let k = 0; k < Y; k++) {
      ws.dOut.fill(0);
      for (let b = 0; b < B; b++) ws.dOut[(t * B + b) * Y + k] = 1;
      this.net.grads.fill(0); // scratch: the parameter gradient is not wanted here
      this.net.backward(ws, this.x, 0, t + 1, 0);
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
