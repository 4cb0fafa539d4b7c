// Helpers for finite-difference checks of the reference math.
import type { Batch, LossKind, LossSteps } from '../../src/core/batch';
import { lossAndGrad } from '../../src/core/loss';
import { Network } from '../../src/core/model';
import { Rng } from '../../src/core/rng';
import { paramLayout, type ModelSpec } from '../../src/core/spec';
import type { StepOptions } from '../../src/engine/engine';

export function randomParams(spec: ModelSpec, rng: Rng, scale = 0.6): Float64Array {
  const p = new Float64Array(paramLayout(spec).size);
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-scale, scale);
  return p;
}

export function randomBatch(spec: ModelSpec, T: number, B: number, loss: LossKind, lossSteps: LossSteps, rng: Rng): Batch {
  const { inputSize: X, outputSize: Y } = spec;
  const x = new Float32Array(T * B * X).map(() => rng.uniform(-1, 1));
  const batch: Batch = { T, B, X, x, loss, lossSteps };
  if (loss === 'mse') batch.y = new Float32Array(T * B * Y).map(() => rng.uniform(-1, 1));
  else batch.labels = new Int32Array(T * B).map(() => rng.int(Y));
  return batch;
}

/** The mean loss of a full forward pass from zero state (float64). */
export function lossOf(spec: ModelSpec, params: Float64Array, batch: Batch): number {
  const net = new Network(spec, params, new Float64Array(params.length));
  const ws = net.newWorkspace(batch.T, batch.B);
  net.loadState(ws, net.zeroState(batch.B));
  net.forward(ws, batch.x, 0, batch.T);
  const { sum, count } = lossAndGrad(ws.out, batch, spec.outputSize, 0, batch.T, null);
  return sum / count;
}

/** Central differences of f at every index of x. */
export function numericGradient(x: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + eps;
    const up = f();
    x[i] = keep - eps;
    const down = f();
    x[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** ‖a − b‖ / max(‖b‖, tiny). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
}

/** A plain gradient computation: full BPTT, no clipping, penalties or update. */
export const gradOnly: StepOptions = {
  optimizer: { kind: 'sgd', lr: 0, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
  clip: { mode: 'none', threshold: 1 },
  penalty: { l2: 0, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: false,
};
