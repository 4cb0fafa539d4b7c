// Time-series tasks: one-step-ahead prediction on windows of T steps cut from one long series.
// x_t is the value at time s+t and the target is the value at s+t+1, on every step (mse, all steps).
// The series is z-scored with the mean and spread of its training part only, and split by time:
// the first 80% trains, the rest validates. The chance baseline is persistence — "tomorrow equals
// today" — scored on the same steps, so a model must beat it to have learnt anything.
import type { Batch } from '../batch';
import { Rng } from '../rng';
import { meanSquaredError, scored } from './metrics';
import { checkBatchSize, type ForwardOne, type Task, type TaskMetric } from './task';

export const TRAIN_FRACTION = 0.8;

// ---- Generators (deterministic given the rng) ----

/** A pure sine whose period (16–32 steps) and phase come from the rng. */
export function sineSeries(n: number, rng: Rng): Float64Array {
  const period = rng.uniform(16, 32);
  const phase = rng.uniform(0, 2 * Math.PI);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin((2 * Math.PI * i) / period + phase);
  return out;
}

/** A sum of three sines with periods spread log-uniformly over 8–80 steps and random amplitudes. */
export function sumOfSinesSeries(n: number, rng: Rng): Float64Array {
  const parts = [0, 1, 2].map(() => ({
    period: Math.exp(rng.uniform(Math.log(8), Math.log(80))),
    amplitude: rng.uniform(0.3, 1),
    phase: rng.uniform(0, 2 * Math.PI),
  }));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const p of parts) out[i] += p.amplitude * Math.sin((2 * Math.PI * i) / p.period + p.phase);
  }
  return out;
}

export interface MackeyGlassOptions {
  tau: number; // delay (17: mildly chaotic)
  beta: number;
  gamma: number;
  power: number;
  dt: number; // integration step; samples are taken every 1 time unit
  washout: number; // time units discarded so the start-up transient is gone
}

export const MACKEY_GLASS_DEFAULTS: MackeyGlassOptions = { tau: 17, beta: 0.2, gamma: 0.1, power: 10, dt: 0.1, washout: 1000 };

/**
 * Mackey–Glass delay equation dx/dt = β·x(t−τ)/(1 + x(t−τ)^n) − γ·x(t), integrated with classical RK4
 * at step dt (delayed values at half steps by linear interpolation on the grid), sampled once per
 * time unit after a washout. The initial history is constant at 1.2 plus a small seeded offset.
 */
export function mackeyGlassSeries(n: number, rng: Rng, options: Partial<MackeyGlassOptions> = {}): Float64Array {
  const { tau, beta, gamma, power, dt, washout } = { ...MACKEY_GLASS_DEFAULTS, ...options };
  const stride = Math.round(1 / dt);
  const delay = Math.round(tau / dt); // grid steps per τ
  const total = Math.round(washout / dt) + n * stride;
  const x = new Float64Array(delay + total + 1); // index delay + k is time k·dt; indices < delay are history
  x.fill(1.2 + rng.uniform(-0.1, 0.1));
  const f = (now: number, delayed: number) => (beta * delayed) / (1 + Math.pow(delayed, power)) - gamma * now;
  for (let k = 0; k < total; k++) {
    const i = delay + k;
    const dNow = x[i - delay];
    const dNext = x[i - delay + 1];
    const dHalf = 0.5 * (dNow + dNext);
    const k1 = f(x[i], dNow);
    const k2 = f(x[i] + 0.5 * dt * k1, dHalf);
    const k3 = f(x[i] + 0.5 * dt * k2, dHalf);
    const k4 = f(x[i] + dt * k3, dNext);
    x[i + 1] = x[i] + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  const out = new Float64Array(n);
  const first = delay + Math.round(washout / dt);
  for (let j = 0; j < n; j++) out[j] = x[first + j * stride];
  return out;
}

/** A Gaussian random walk (unit steps) observed through Gaussian noise of standard deviation 0.5. */
export function randomWalkSeries(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    level += rng.normal();
    out[i] = level + 0.5 * rng.normal();
  }
  return out;
}

export const GENERATED_SERIES = {
  sine: sineSeries,
  sines: sumOfSinesSeries,
  mackey_glass: (n: number, rng: Rng) => mackeyGlassSeries(n, rng),
  random_walk: randomWalkSeries,
} as const;
export type GeneratedSeriesName = keyof typeof GENERATED_SERIES;

/** Series length for generated tasks: long enough that validation holds many whole windows. */
export function generatedLength(T: number): number {
  return Math.max(4000, 12 * (T + 1));
}

// ---- Windowing ----

/** The fewest points a series needs so that training holds one window of T + 1 and validation one target. */
export function minimumLength(T: number, trainFraction = TRAIN_FRACTION): number {
  let n = T + 2;
  while (Math.floor(n * trainFraction) < T + 1 || n - Math.floor(n * trainFraction) < 1) n++;
  return n;
}

export class SeriesTask implements Task {
  readonly inputSize = 1;
  readonly outputSize = 1;
  readonly loss = 'mse';
  readonly lossSteps = 'all';
  /** The z-scored series (train statistics), in time order. */
  readonly values: Float32Array;
  /** Index of the first validation point. */
  readonly split: number;
  readonly mean: number;
  readonly std: number;

  /**
   * @param name task name (e.g. 'sine', 'csv')
   * @param raw the series in time order (finite numbers)
   * @param T the window (look-back) length the task will be asked for; checked here so a bad window
   *          fails when the task is built, with a message, rather than at the first batch
   * @param what how to name the data in messages (e.g. 'the column "Close"')
   */
  constructor(
    readonly name: string,
    raw: ArrayLike<number>,
    T: number,
    what = 'the series',
    trainFraction = TRAIN_FRACTION,
  ) {
    const n = raw.length;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(raw[i])) throw new Error(`${what} has a value that is not a finite number at position ${i + 1}`);
    }
    const needed = minimumLength(T, trainFraction);
    if (n < needed) {
      throw new Error(
        `${what} has ${n} values, too few for a window of ${T}: training (the first ${Math.round(trainFraction * 100)}%) ` +
          `must hold at least ${T + 1} values, so at least ${needed} are needed. Shorten the window (T) or use more data.`,
      );
    }
    this.split = Math.floor(n * trainFraction);
    let mean = 0;
    for (let i = 0; i < this.split; i++) mean += raw[i];
    mean /= this.split;
    let variance = 0;
    for (let i = 0; i < this.split; i++) variance += (raw[i] - mean) ** 2;
    const std = Math.sqrt(variance / this.split);
    this.mean = mean;
    this.std = std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1; // a constant column: centre it only
    this.values = new Float32Array(n);
    for (let i = 0; i < n; i++) this.values[i] = (raw[i] - this.mean) / this.std;
  }

  /** Back to the data's own units. */
  denormalize(z: number): number {
    return z * this.std + this.mean;
  }

  /** The window starts allowed for a split: [lo, hi] inclusive. */
  windowStarts(split: 'train' | 'val', T: number): [number, number] {
    const n = this.values.length;
    if (this.split < T + 1) {
      throw new Error(`${this.name}: a window of ${T} does not fit in the ${this.split} training values; shorten T`);
    }
    if (split === 'train') return [0, this.split - T - 1];
    // Validation windows end in the validation part. When that part is long enough they lie wholly
    // inside it; otherwise they reach back into training for inputs, and those steps are masked.
    const hi = n - T - 1;
    const lo = Math.max(this.split - T, Math.min(this.split, hi));
    return [lo, hi];
  }

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize(this.name, B, T, 1);
    const [lo, hi] = this.windowStarts(split, T);
    const x = new Float32Array(T * B); // (T, B, 1)
    const y = new Float32Array(T * B); // (T, B, 1)
    const mask = split === 'val' ? new Float32Array(T * B) : undefined; // (T, B): targets in the validation part
    let masked = false;
    for (let b = 0; b < B; b++) {
      const start = lo + rng.int(hi - lo + 1);
      for (let t = 0; t < T; t++) {
        x[t * B + b] = this.values[start + t];
        y[t * B + b] = this.values[start + t + 1];
        if (mask) {
          const inVal = start + t + 1 >= this.split;
          mask[t * B + b] = inVal ? 1 : 0;
          if (!inVal) masked = true;
        }
      }
    }
    const batch: Batch = { T, B, X: 1, x, y, loss: 'mse', lossSteps: 'all' };
    if (mask && masked) batch.mask = mask;
    return batch;
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'MSE (normalised units) vs persistence', value: meanSquaredError(outputs, batch, 1), chance: persistenceMse(batch), higherIsBetter: false };
  }
}

/** MSE of predicting each target by the current input ("tomorrow equals today"), on the scored steps. */
export function persistenceMse(batch: Batch): number {
  let total = 0;
  let count = 0;
  for (let t = 0; t < batch.T; t++) {
    for (let b = 0; b < batch.B; b++) {
      if (!scored(batch, t, b)) continue;
      const d = batch.x[t * batch.B + b] - batch.y![t * batch.B + b];
      total += d * d;
      count++;
    }
  }
  return count > 0 ? total / count : NaN;
}

/** A generated series task; the series is drawn once from the config's seed. */
export function generatedSeriesTask(name: GeneratedSeriesName, T: number, seed: number): SeriesTask {
  const rng = new Rng((seed ^ 0x51ed270b) >>> 0); // a stream of its own, apart from init and batches
  const raw = GENERATED_SERIES[name](generatedLength(T), rng);
  return new SeriesTask(name, raw, T);
}

/**
 * Free-running forecast: from a history of (normalised) values the model predicts the next one, which
 * is appended and fed back, `horizon` times. The model sees the last `window` values each time (it was
 * trained on windows of T from a zero state). Returns the `horizon` predictions.
 */
export async function freeRunForecast(forward: ForwardOne, history: ArrayLike<number>, horizon: number, window: number): Promise<Float32Array> {
  const values = Array.from(history);
  const out = new Float32Array(horizon);
  for (let k = 0; k < horizon; k++) {
    const context = Float32Array.from(values.slice(-Math.max(1, window))); // (T, 1, 1)
    const outputs = await forward(context, context.length);
    const next = outputs[context.length - 1];
    out[k] = next;
    values.push(next);
  }
  return out;
}
