// The cliff figure (core/figures/cliff.ts) on the CPU engine, with the clipping lesson's Config and seed.
import { describe, expect, it } from 'vitest';
import { cliffCurve, cliffProblem, cliffVerdict, cliffScales, singleUnitLoss, singleUnitState, singleUnitSurface, SURFACE_GRID } from '../../src/core/figures/cliff';
import { CancelledError } from '../../src/core/inspect/connectivity';
import { lessonById, lessonConfig } from '../../src/core/lessons';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { engineEvaluator } from '../../src/train/replies';
import type { FromWorker } from '../../src/train/protocol';
import { stepOptionsFromConfig, Trainer } from '../../src/train/trainer';
import { startWorker, stopWorker, waitFor } from './workerHarness';

async function clippingRun() {
  const config = lessonConfig(lessonById('clipping')!);
  const trainer = await Trainer.create(new CpuEngine(), config, createTask(config));
  const batch = trainer.task.batch('train', config.B, config.T, new Rng(config.seed ^ 0xc11ff));
  const evaluate = engineEvaluator(trainer.engine, batch, stepOptionsFromConfig(config));
  const params = await trainer.engine.readParams();
  return { config, trainer, evaluate, params };
}

describe('the cliff along σ_max(W_rec)', () => {
  it('σ_max is log-spaced from 0.1 to 10', () => {
    const s = cliffScales(60);
    expect(s).toHaveLength(60);
    expect(s[0]).toBeCloseTo(0.1, 12);
    expect(s[59]).toBeCloseTo(10, 12);
    for (let i = 1; i < s.length; i++) expect(s[i] / s[i - 1]).toBeCloseTo(s[1] / s[0], 10);
  });

  it('the gradient norm rises by ≥ 10³ from well below σ_max = 1 to well above it; a clipped step stays near, a raw one is thrown', async () => {
    const { config, trainer, evaluate, params } = await clippingRun();
    const progress: number[] = [];
    const { points, current } = await cliffCurve(evaluate, trainer.spec, params, { lr: config.lr, clipAt: config.clipAt, onProgress: (done) => progress.push(done) });
    expect(points).toHaveLength(60);
    expect(progress).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    // Measured (seed 1, the clipping lesson at step 0, 60 points): ‖g‖ ≈ 3.3–3.9 for σ_max ≤ 0.5, ≈ 5 around 1,
    // it climbs from σ_max ≈ 1.7 (8) through 2.3 (1.1e3) and is 2.1e5 … 4.4e14 for σ_max ≥ 3; the loss stays
    // 1.05–1.46. The wall is past 1 here: tanh saturates and the orthogonal W_hh is stacked with nothing else.
    const below = points.filter((p) => p.sigmaMax <= 0.5).map((p) => p.gradNorm);
    const above = points.filter((p) => p.sigmaMax >= 3).map((p) => p.gradNorm);
    expect(points.every((p) => p.finite && Number.isFinite(p.loss))).toBe(true);
    expect(Math.min(...above) / Math.max(...below)).toBeGreaterThanOrEqual(1e3);
    expect(cliffVerdict(points)).toMatchObject({ status: 'agrees', text: expect.stringMatching(/^Agrees with the paper: ‖∇L‖ is at most 3\.\d for σ_max ≤ 0\.5 and at least 2\.\de5 for σ_max ≥ 3, a rise of \d\.\de\d+-fold across σ_max = 1\.$/) });
    // Measured: from σ_max = 2.00 (‖g‖ = 135, loss 1.25) the raw step (lr 0.1) lands at σ_max 6.34, loss 1.79;
    // the one clipped at 1 at σ_max 2.02, loss 1.30.
    expect(current.from.sigmaMax).toBeCloseTo(config.wrec, 4);
    expect(current.gradNorm).toBeGreaterThan(config.clipAt);
    expect(current.raw.sigmaMax).toBeGreaterThan(2 * current.from.sigmaMax);
    expect(Math.abs(current.clipped.sigmaMax - current.from.sigmaMax)).toBeLessThanOrEqual(config.lr * config.clipAt);
    expect(current.raw.loss).toBeGreaterThan(current.clipped.loss);
  });

  it('leaves the given parameters alone and stops between evaluations on cancel', async () => {
    const { config, trainer, evaluate, params } = await clippingRun();
    const before = params.slice();
    const abort = new AbortController();
    let evaluated = 0;
    const run = cliffCurve(evaluate, trainer.spec, params, { lr: config.lr, clipAt: config.clipAt, signal: abort.signal, yieldMs: 0, onProgress: (done) => {
      evaluated = done;
      if (done === 5) abort.abort();
    } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(evaluated).toBe(5);
    expect(params).toEqual(before);
  });

  it('refuses what is over its budget, naming the limit, an echo-state network, and diverged weights', async () => {
    const { config, trainer, evaluate, params } = await clippingRun();
    params[0] = NaN;
    await expect(cliffCurve(evaluate, trainer.spec, params, { lr: config.lr, clipAt: config.clipAt })).rejects.toThrow(/not finite \(the run diverged\)/);
    expect(cliffProblem(trainer.spec, 50, 16)).toBeNull();
    expect(cliffProblem({ ...trainer.spec, hiddenSize: 1024 }, 1000, 1024)).toMatch(/over its limit of 2e\+10: lower H, T, B or layers/);
    expect(cliffProblem({ ...trainer.spec, cell: 'esn' }, 50, 16)).toMatch(/reservoir is fixed/);
  });
});

describe("the single unit x_t = w·σ(x_{t−1}) + b", () => {
  const surface = singleUnitSurface();

  it('is a grid of the given shape with increasing axes, finite non-negative losses', () => {
    expect(surface.w).toHaveLength(SURFACE_GRID.columns);
    expect(surface.b).toHaveLength(SURFACE_GRID.rows);
    expect(surface.loss).toHaveLength(SURFACE_GRID.columns * SURFACE_GRID.rows);
    for (let i = 1; i < surface.w.length; i++) expect(surface.w[i]).toBeGreaterThan(surface.w[i - 1]);
    for (let i = 1; i < surface.b.length; i++) expect(surface.b[i]).toBeGreaterThan(surface.b[i - 1]);
    expect(surface.w[0]).toBe(SURFACE_GRID.w[0]);
    expect(surface.b[surface.b.length - 1]).toBeCloseTo(SURFACE_GRID.b[1], 12);
    expect(surface.loss.every((l) => Number.isFinite(l) && l >= 0)).toBe(true);
  });

  it('at w = 0 the state is b: the loss is (b − 0.7)², falling then rising along b', () => {
    const column = surface.b.map((_, r) => surface.loss[r * surface.w.length]);
    surface.b.forEach((b, r) => expect(column[r]).toBeCloseTo((b - 0.7) ** 2, 12));
    const lowest = column.indexOf(Math.min(...column));
    for (let r = 1; r <= lowest; r++) expect(column[r]).toBeLessThan(column[r - 1]);
    for (let r = lowest + 1; r < column.length; r++) expect(column[r]).toBeGreaterThan(column[r - 1]);
  });

  it('has a wall: past the bifurcation (w > 4) a small change of b jumps x_T between its two stable states', () => {
    // Measured (x_0 = 0.5, T = 50): at w = 10, b = −5.75 → x_T = −5.72 and b = −5.5 → x_T = 4.38 (the low and the
    // high stable state); at w = 2 (one stable state) the same step of b moves x_T by 0.25.
    expect(Math.abs(singleUnitState(10, -5.5) - singleUnitState(10, -5.75))).toBeGreaterThan(5);
    expect(Math.abs(singleUnitState(2, -5.5) - singleUnitState(2, -5.75))).toBeLessThan(0.5);
    expect(singleUnitLoss(10, -5.75) - singleUnitLoss(10, -5.5)).toBeGreaterThan(20);
  });
});

describe('the training worker: "Compute the cliff"', () => {
  type Cliff = Extract<FromWorker, { type: 'cliff' }>;
  type Saved = Extract<FromWorker, { type: 'checkpoint' }>;

  it('answers with the curve and its progress, leaves the weights as they were, and a cancelled one says so', async () => {
    const config = { ...lessonConfig(lessonById('clipping')!), engine: 'cpu' as const };
    const worker = await startWorker();
    try {
      worker.post({ type: 'init', config, data: {} });
      await waitFor('the model', () => worker.sent.some((m) => m.type === 'ready'));
      worker.post({ type: 'checkpoint', id: 10 });
      worker.post({ type: 'cliff', id: 1 });
      worker.post({ type: 'checkpoint', id: 11 });
      const answer = await waitFor('the cliff', () => worker.sent.find((m): m is Cliff => m.type === 'cliff' && m.id === 1));
      expect(answer.error).toBeNull();
      expect(answer.result!.points).toHaveLength(60);
      expect(answer.result!.current.from.sigmaMax).toBeCloseTo(2, 4);
      const progress = worker.sent.filter((m) => m.type === 'cliffProgress' && m.id === 1);
      expect(progress).toHaveLength(63);
      const saved = await waitFor('both checkpoints', () => {
        const c = worker.sent.filter((m): m is Saved => m.type === 'checkpoint' && (m.id === 10 || m.id === 11));
        return c.length === 2 && c;
      });
      expect(Array.from(saved[1].checkpoint!.params)).toEqual(Array.from(saved[0].checkpoint!.params));

      worker.post({ type: 'cliff', id: 2 });
      worker.post({ type: 'cancelCliff', id: 2 });
      const cancelled = await waitFor('the cancelled cliff', () => worker.sent.find((m): m is Cliff => m.type === 'cliff' && m.id === 2));
      expect(cancelled.error).toBe('cancelled');
      expect(cancelled.result).toBeNull();
    } finally {
      await stopWorker(worker).catch(() => undefined);
    }
  }, 30_000);
});

describe('the verdict under the cliff', () => {
  const at = (sigmaMax: number, gradNorm: number) => ({ sigmaMax, gradNorm, loss: 1, finite: Number.isFinite(gradNorm) });
  it('differs when the rise across σ_max = 1 is under 10³, agrees on an overflow above, waits without both sides', () => {
    expect(cliffVerdict([at(0.1, 2), at(0.5, 3), at(3, 90), at(10, 2000)])).toEqual({ status: 'differs', text: "Differs from the paper's wall: ‖∇L‖ is at most 3 for σ_max ≤ 0.5 and at least 90 for σ_max ≥ 3, only 30-fold (under 1000) for this network." });
    expect(cliffVerdict([at(0.5, 3), at(3, Infinity)])).toMatchObject({ status: 'agrees', text: expect.stringContaining('at least an overflow for σ_max ≥ 3, a rise past what a float holds across σ_max = 1.') });
    expect(cliffVerdict([at(1, 3)]).status).toBe('pending');
  });
});
