// Time-series tasks: generators, windowing, the time split, normalisation and the persistence baseline.
import { describe, expect, test } from 'vitest';
import { validateBatch } from '../../src/core/batch';
import { defaultConfig } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import {
  generatedLength, mackeyGlassSeries, minimumLength, persistenceMse, randomWalkSeries, SeriesTask, sineSeries, sumOfSinesSeries,
} from '../../src/core/tasks/series';

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('generators', () => {
  test('deterministic by seed and different across seeds', () => {
    for (const gen of [sineSeries, sumOfSinesSeries, randomWalkSeries, (n: number, r: Rng) => mackeyGlassSeries(n, r)]) {
      expect(gen(300, new Rng(1))).toEqual(gen(300, new Rng(1)));
      expect(gen(300, new Rng(1))).not.toEqual(gen(300, new Rng(2)));
    }
  });

  test('sine: amplitude 1, period between 16 and 32 steps', () => {
    const s = sineSeries(2000, new Rng(3));
    expect(Math.max(...s)).toBeCloseTo(1, 2);
    expect(Math.min(...s)).toBeCloseTo(-1, 2);
    let crossings = 0;
    for (let i = 1; i < s.length; i++) if (s[i - 1] < 0 && s[i] >= 0) crossings++;
    const period = 2000 / crossings;
    expect(period).toBeGreaterThan(15.5);
    expect(period).toBeLessThan(32.5);
  });

  test('random walk: step variance ≈ 1 + 2·0.25 (unit walk plus observation noise on both ends)', () => {
    const s = randomWalkSeries(40000, new Rng(4));
    let v = 0;
    for (let i = 1; i < s.length; i++) v += (s[i] - s[i - 1]) ** 2;
    expect(v / (s.length - 1)).toBeCloseTo(1.5, 1);
  });

  test('Mackey–Glass (τ=17): stays on the attractor (≈0.4–1.35) and the RK4 integration converges in dt', () => {
    const s = mackeyGlassSeries(1000, new Rng(5));
    expect(Math.min(...s)).toBeGreaterThan(0.3);
    expect(Math.max(...s)).toBeLessThan(1.45);
    expect(Math.max(...s) - Math.min(...s)).toBeGreaterThan(0.7); // oscillating, not at a fixed point
    // Same initial history, no washout, a short horizon: dt = 0.1 agrees with dt = 0.01.
    const coarse = mackeyGlassSeries(150, new Rng(6), { washout: 0, dt: 0.1 });
    const fine = mackeyGlassSeries(150, new Rng(6), { washout: 0, dt: 0.01 });
    let worst = 0;
    for (let i = 0; i < 150; i++) worst = Math.max(worst, Math.abs(coarse[i] - fine[i]));
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('SeriesTask windowing', () => {
  // A series whose value is its own index, so batches tell exactly where they came from.
  const n = 1000, T = 20;
  const task = new SeriesTask('index', range(n), T);
  const index = (z: number) => Math.round(task.denormalize(z));

  test('z-scored with the training part only; split by time at 80%', () => {
    expect(task.split).toBe(800);
    expect(task.mean).toBeCloseTo(399.5, 9);
    expect(task.std).toBeCloseTo(Math.sqrt((800 * 800 - 1) / 12), 6);
    let m = 0;
    for (let i = 0; i < task.split; i++) m += task.values[i];
    expect(Math.abs(m / task.split)).toBeLessThan(1e-5);
  });

  test('one-step-ahead: y_t = x_{t+1}; training targets never reach the validation part; validation targets all lie in it', () => {
    const train = task.batch('train', 64, T, new Rng(1));
    const val = task.batch('val', 64, T, new Rng(1));
    expect(validateBatch(train, 1)).toBeNull();
    expect(validateBatch(val, 1)).toBeNull();
    for (const [batch, inTrain] of [[train, true], [val, false]] as const) {
      for (let t = 0; t < T; t++) for (let b = 0; b < batch.B; b++) {
        const xi = index(batch.x[t * batch.B + b]);
        const yi = index(batch.y![t * batch.B + b]);
        expect(yi).toBe(xi + 1);
        if (t + 1 < T) expect(index(batch.x[(t + 1) * batch.B + b])).toBe(yi);
        if (inTrain) expect(yi).toBeLessThan(task.split);
        else expect(yi).toBeGreaterThanOrEqual(task.split);
      }
    }
    expect(val.mask).toBeUndefined(); // the validation part holds whole windows here
  });

  test('short validation part: windows reach back into training for inputs, and those steps are masked', () => {
    const short = new SeriesTask('short', range(100), 60); // split 80: validation holds 20 values
    const batch = short.batch('val', 64, 60, new Rng(2));
    expect(batch.mask).toBeDefined();
    for (let t = 0; t < 60; t++) for (let b = 0; b < 64; b++) {
      const target = Math.round(short.denormalize(batch.y![t * 64 + b]));
      expect(batch.mask![t * 64 + b]).toBe(target >= short.split ? 1 : 0);
      expect(target).toBeLessThan(100);
    }
    for (let b = 0; b < 64; b++) expect(batch.mask![59 * 64 + b]).toBe(1); // the last step always scores
  });

  test('metric: perfect outputs 0; persistence outputs score exactly the persistence baseline', () => {
    const batch = task.batch('train', 32, T, new Rng(3));
    expect(task.metric(batch.y!, batch)).toMatchObject({ value: 0, higherIsBetter: false });
    const m = task.metric(batch.x, batch); // predict "tomorrow = today"
    expect(m.value).toBeCloseTo(m.chance, 12);
    expect(m.chance).toBeCloseTo(persistenceMse(batch), 12);
    expect(m.chance).toBeCloseTo((1 / task.std) ** 2, 6); // index series: every step moves by one unit
  });

  test('too few values for the window: a clear error naming the numbers', () => {
    expect(minimumLength(60)).toBe(77);
    expect(() => new SeriesTask('csv', range(76), 60, 'The column "Close"')).toThrow(/The column "Close" has 76 values, too few for a window of 60.*at least 77/);
    expect(() => new SeriesTask('csv', range(77), 60)).not.toThrow();
    expect(() => new SeriesTask('csv', [1, 2, NaN, 4], 1)).toThrow(/position 3/);
    expect(() => task.batch('train', 4, 900, new Rng(1))).toThrow(/does not fit/);
  });

  test('a constant series is centred, not divided by zero', () => {
    const flat = new SeriesTask('flat', new Float64Array(200).fill(5), 10);
    expect(flat.std).toBe(1);
    expect(flat.values.every((v) => v === 0)).toBe(true);
  });
});

describe('generated series tasks through createTask', () => {
  test.each(['sine', 'sines', 'mackey_glass', 'random_walk'] as const)('%s: valid batches, deterministic by seed, persistence baseline finite', (name) => {
    const config = { ...defaultConfig(), task: name, T: 30, seed: 5 };
    const task = createTask(config);
    expect(task).toMatchObject({ inputSize: 1, outputSize: 1, loss: 'mse', lossSteps: 'all' });
    const a = task.batch('train', 8, 30, new Rng(1));
    expect(validateBatch(a, 1)).toBeNull();
    expect(createTask(config).batch('train', 8, 30, new Rng(1)).x).toEqual(a.x);
    expect(createTask({ ...config, seed: 6 }).batch('train', 8, 30, new Rng(1)).x).not.toEqual(a.x);
    const m = task.metric(new Float32Array(30 * 8), a);
    expect(Number.isFinite(m.value) && Number.isFinite(m.chance)).toBe(true);
    expect((task as SeriesTask).values.length).toBe(generatedLength(30));
  });

  test('sine is predictable: a linear two-step rule beats persistence by far', () => {
    const task = createTask({ ...defaultConfig(), task: 'sine', T: 40 });
    const batch = task.batch('val', 16, 40, new Rng(2));
    // sin(a(t+1)) = 2cos(a)·sin(at) − sin(a(t−1)): fit c from the data and predict.
    const { x, y } = batch;
    let num = 0, den = 0;
    for (let t = 1; t < 40; t++) for (let b = 0; b < 16; b++) {
      const prev = x[(t - 1) * 16 + b], cur = x[t * 16 + b];
      num += (y![t * 16 + b] + prev) * cur;
      den += cur * cur;
    }
    const c = num / den;
    const out = new Float32Array(40 * 16);
    for (let t = 0; t < 40; t++) for (let b = 0; b < 16; b++) {
      out[t * 16 + b] = t === 0 ? x[b] : c * x[t * 16 + b] - x[(t - 1) * 16 + b];
    }
    const m = task.metric(out, batch);
    expect(m.value).toBeLessThan(0.2 * m.chance);
  });
});

describe('free-running forecast', () => {
  test('feeds its own predictions back, with a bounded window', async () => {
    const { freeRunForecast } = await import('../../src/core/tasks/series');
    const seen: number[] = [];
    // "Model": next = last input + 1 at every step.
    const forward = async (x: Float32Array, T: number) => {
      seen.push(T);
      return x.map((v) => v + 1);
    };
    const out = await freeRunForecast(forward, [0, 1, 2], 4, 2);
    expect(Array.from(out)).toEqual([3, 4, 5, 6]);
    expect(seen).toEqual([2, 2, 2, 2]);
  });
});
