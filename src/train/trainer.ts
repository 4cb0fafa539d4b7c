// The Trainer: the training loop shared by the CLI and the page's Web Worker. Pure TypeScript (no DOM).
// It owns the run: seeded streams for init and data, batches from the task, engine.step() with options built
// from the Config, divergence checks, a ring of finite checkpoints, validation, the spectral statistics of
// W_rec, and live interventions (W_rec rescale, learning rate, reset, engine switch).
// Every public method runs one at a time (an internal queue), so a UI can call them while a step is running.
import { lossAndGrad } from '../core/loss';
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import { initParams, recurrentStats, rescaleRecurrent, rescaleReservoir } from '../core/init';
import { inspectSnapshot, type InspectProgress, type InspectRequest, type InspectSnapshot } from '../core/inspect/snapshot';
import { Evidence, lessonById, type Lesson, type Verdict } from '../core/lessons';
import { fitReadout } from '../core/ridge';
import { Rng } from '../core/rng';
import { modelToSafetensors } from '../core/safetensors';
import { REBUILD_KEYS } from '../core/configChange';
import { specFromConfig } from '../core/modelConfig';
import { cellInfo, findTensor, paramLayout, validateSpec, type ModelSpec } from '../core/spec';
import type { Task, TaskMetric } from '../core/tasks/task';
import type { Checkpoint, Engine, ForwardResult, OptimizerState, StepOptions, StepResult } from '../engine/engine';

export interface TrainerOptions {
  /** Validate (loss and task metric on a fixed validation batch) every this many steps. */
  valEvery: number;
  /** Batch size of the validation batch. */
  valBatchSize: number;
  /** Take a checkpoint every this many steps (only when the step was finite). */
  checkpointEvery: number;
  /** How many checkpoints the ring keeps. */
  checkpointRing: number;
  /**
   * Recompute σ_max and spectral radius every this many steps. 'auto': every step on the CPU engine when
   * H ≤ 64; otherwise as often as keeps them (parameter readback included) at ~5% of the training time.
   */
  statsEvery: number | 'auto';
  /**
   * A finite loss counts as divergence when it exceeds both this multiple of the best smoothed loss so far
   * and `explosionFloor`. Smoothed (an exponential average), because one lucky batch with a tiny loss must
   * not make an ordinary later batch look like an explosion.
   */
  explosionFactor: number;
  explosionFloor: number;
  /**
   * A gradient counts as exploding when its norm is at least this multiple of the running median of the
   * recent gradient norms, and at least `gradExplosionFloor` (which alone applies before there is a history:
   * a first gradient millions long is caught on step 1). The engine is told the ceiling before the step and
   * makes no update past it, so the run stops on that step with its profile and the weights it had.
   */
  gradExplosionFactor: number;
  gradExplosionFloor: number;
}

export const DEFAULT_TRAINER_OPTIONS: TrainerOptions = {
  valEvery: 10,
  valBatchSize: 64,
  checkpointEvery: 25,
  checkpointRing: 4,
  statsEvery: 'auto',
  explosionFactor: 1e3,
  explosionFloor: 10,
  gradExplosionFactor: 1e3,
  gradExplosionFloor: 1e4,
};

/** Everything one training step reports. Arrays are per layer, index 0 the bottom layer. */
export interface MetricFrame {
  step: number; // steps completed, counting this one (1-based)
  loss: number; // data loss of the training batch (mean over the selected steps), without penalties
  penalty: number;
  gradNorm: number; // global L2 norm before clipping
  clipFactor: number; // ‖clipped‖ / ‖raw‖
  clipped: boolean;
  updates: number; // optimiser updates made (TBPTT makes one per chunk)
  lr: number;
  dhNorm: Float64Array[]; // ‖∂L/∂h_t‖ per layer, each (T)
  dhNormTop: Float64Array; // the top layer's
  dcNorm: Float64Array[] | null; // LSTM only: ‖∂L/∂c_t‖ per layer
  dcNormTop: Float64Array | null;
  sigmaMax: number[]; // latest σ_max of each layer's stacked weight_hh (the W_rec scale)
  spectralRadius: number[]; // latest spectral radius per layer (see recurrentStats)
  statsStep: number; // the step at which sigmaMax / spectralRadius were computed
  valLoss: number | null; // on the steps where validation ran
  metric: TaskMetric | null;
  diverged: boolean;
  message: string | null; // "diverged at step N, gradient norm X"
  ms: number; // wall time of this step, stats and validation included
  /** The lesson's claim judged on the run so far (null when the run is not a lesson). */
  verdict: Verdict | null;
}

/** StepOptions from a Config (Adam β 0.9/0.999, ε 1e-8; RMSProp α 0.99 — PyTorch's defaults). */
export function stepOptionsFromConfig(config: Config, lr = config.lr): StepOptions {
  return {
    optimizer: { kind: config.opt, lr, momentum: config.mom, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
    clip: { mode: config.clip, threshold: config.clipAt },
    penalty: { l2: config.l2, omega: config.omega },
    bptt: config.bptt === 'truncated' ? { mode: 'truncated', k1: config.k1, k2: config.k2 } : { mode: 'full' },
    carryState: false, // every batch is a fresh set of independent sequences
    update: true,
  };
}

interface StoredCheckpoint {
  step: number;
  checkpoint: Checkpoint;
}

export class Trainer {
  /** The settings the run reads on every step and on reset; changed only through applyLiveSettings. */
  private settings: Readonly<Config>;
  readonly task: Task;
  readonly spec: ModelSpec;
  readonly options: TrainerOptions;
  private currentEngine: Engine;
  private initRng!: Rng;
  private dataRng!: Rng;
  private valBatch!: Batch;
  private lr: number;
  private stepCount = 0;
  private watch!: DivergenceWatch;
  private ring: StoredCheckpoint[] = [];
  private stats = { sigmaMax: [] as number[], spectralRadius: [] as number[], step: -1 };
  private statsDue = true;
  private timeTraining = 0; // ms in engine.step, for the 'auto' stats budget
  private timeStats = 0; // ms in stats
  private initialised = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The lesson this run is judged as (config.preset), and the evidence of the run so far. */
  private judged: { lesson: Lesson; evidence: Evidence } | null = null;

  constructor(engine: Engine, config: Config, task: Task, options: Partial<TrainerOptions> = {}) {
    this.currentEngine = engine;
    this.settings = { ...config };
    this.task = task;
    this.options = { ...DEFAULT_TRAINER_OPTIONS, ...options };
    this.spec = specFromConfig(config, task);
    const problem = validateSpec(this.spec);
    if (problem) throw new Error(problem);
    this.lr = config.lr;
  }

  /** Builds a Trainer and initialises its engine with fresh parameters. */
  static async create(engine: Engine, config: Config, task: Task, options: Partial<TrainerOptions> = {}): Promise<Trainer> {
    const trainer = new Trainer(engine, config, task, options);
    await trainer.init();
    return trainer;
  }

  get config(): Readonly<Config> {
    return this.settings;
  }

  /**
   * A live change of the settings (configChange.ts): the steps and resets that follow read `next`. The caller
   * applies what acts on the weights or the optimiser now (setWrec, setLearningRate, setReservoirRadius,
   * switchEngine); a change of a key that defines the network or its data needs a new Trainer instead.
   */
  applyLiveSettings(next: Config): void {
    const fixed = REBUILD_KEYS.find((key) => next[key] !== this.settings[key]);
    if (fixed) throw new Error(`${fixed} cannot change on a live run: it needs a new Trainer`);
    this.settings = { ...next };
  }

  get engine(): Engine {
    return this.currentEngine;
  }

  get step(): number {
    return this.stepCount;
  }

  get learningRate(): number {
    return this.lr;
  }

  /** Fresh parameters and data streams from the seed; the engine's optimiser state is reset. */
  init(): Promise<void> {
    return this.exclusive(() => this.initNow());
  }

  private async initNow(): Promise<void> {
    // One root stream per seed, forked into independent streams, so changing how much data one part draws
    // never shifts another part's numbers.
    const root = new Rng(this.config.seed);
    this.initRng = root.fork();
    this.dataRng = root.fork();
    const valRng = root.fork();
    this.valBatch = this.task.batch('val', this.options.valBatchSize, this.config.T, valRng);
    const params = initParams(this.spec, { init: this.config.init, wrec: this.config.wrec, bias: this.config.bias, tMax: this.config.T }, this.initRng);
    await this.currentEngine.init(this.spec, params);
    this.stepCount = 0;
    this.watch = new DivergenceWatch(this.options);
    this.judged = null;
    this.ring = [];
    this.statsDue = true;
    this.timeTraining = 0;
    this.timeStats = 0;
    await this.refreshStats();
    await this.saveCheckpoint();
    this.initialised = true;
  }

  /** One training step: a train batch, engine.step, checks, checkpoint, stats and validation when due. */
  stepOnce(): Promise<MetricFrame> {
    return this.exclusive(() => this.stepNow());
  }

  private async stepNow(): Promise<MetricFrame> {
    if (!this.initialised) await this.initNow();
    const started = now();
    const batch = this.task.batch('train', this.config.B, this.config.T, this.dataRng);
    // The gradient guard is for unclipped runs: clipping already keeps a huge gradient from wrecking the weights.
    const guarded = this.config.clip === 'none';
    // A continual task (one unbroken stream per batch row) carries the hidden state from batch to batch.
    const options: StepOptions = { ...stepOptionsFromConfig(this.config, this.lr), carryState: this.task.continual === true, maxGradNorm: guarded ? this.watch.gradientCeiling() : Infinity };
    const result = await this.currentEngine.step(batch, options);
    this.stepCount++;
    const step = this.stepCount;

    const finite = result.finite && Number.isFinite(result.loss) && Number.isFinite(result.gradNorm);
    const exploded = guarded && finite && this.watch.gradientExploded(result.gradNorm);
    const diverged = exploded || this.watch.diverged(result.loss, finite);
    if (!diverged && this.config.hold) await this.holdWrec();
    this.timeTraining += now() - started;

    if (!diverged && step % this.options.checkpointEvery === 0) await this.saveCheckpoint();
    if (!diverged && this.statsAreDue(step)) await this.refreshStats();

    let valLoss: number | null = null;
    let metric: TaskMetric | null = null;
    if (!diverged && step % this.options.valEvery === 0) ({ valLoss, metric } = await this.validateNow());

    const top = this.spec.numLayers - 1;
    const frame: MetricFrame = {
      step,
      loss: result.loss,
      penalty: result.penalty,
      gradNorm: result.gradNorm,
      clipFactor: result.clipFactor,
      clipped: result.clipFactor < 1,
      updates: result.updates,
      lr: this.lr,
      dhNorm: result.dhNorm,
      dhNormTop: result.dhNorm[top],
      dcNorm: result.dcNorm ?? null,
      dcNormTop: result.dcNorm ? result.dcNorm[top] : null,
      sigmaMax: [...this.stats.sigmaMax],
      spectralRadius: [...this.stats.spectralRadius],
      statsStep: this.stats.step,
      valLoss,
      metric,
      diverged,
      message: diverged ? `diverged at step ${step}, gradient norm ${formatNumber(result.gradNorm)}${exploded ? `: ${this.watch.explosionReason()}; the update was not made` : ''}` : null,
      ms: now() - started,
      verdict: null,
    };
    frame.verdict = this.judge(frame);
    return frame;
  }

  /** The lesson's verdict on the run, with this frame added to its evidence (null outside a lesson). */
  private judge(frame: MetricFrame): Verdict | null {
    const lesson = lessonById(this.config.preset);
    if (!lesson) return null;
    if (this.judged?.lesson !== lesson) this.judged = { lesson, evidence: new Evidence(lesson.targets) };
    this.judged.evidence.add(frame);
    return lesson.claim(this.judged.evidence);
  }

  /** Loss and task metric on the fixed validation batch (engine.forward from a zero state). */
  validate(): Promise<{ valLoss: number; metric: TaskMetric }> {
    return this.exclusive(() => this.validateNow());
  }

  private async validateNow(): Promise<{ valLoss: number; metric: TaskMetric }> {
    const batch = this.valBatch;
    const { outputs } = await this.currentEngine.forward(batch);
    const value = lossAndGrad(Float64Array.from(outputs), batch, this.spec.outputSize, 0, batch.T, null);
    return { valLoss: value.count > 0 ? value.sum / value.count : 0, metric: this.task.metric(outputs, batch) };
  }

  /** The validation batch and the model's outputs on it, for the task's view. */
  snapshot(): Promise<{ batch: Batch; outputs: Float32Array }> {
    return this.exclusive(async () => ({ batch: this.valBatch, outputs: (await this.currentEngine.forward(this.valBatch)).outputs }));
  }

  /** The gradient of `batch` under the live weights, leaving them unchanged (the paused page's preview). */
  gradients(batch: Batch, options: StepOptions): Promise<StepResult> {
    return this.exclusive(() => this.currentEngine.step(batch, { ...options, update: false }));
  }

  /** The active engine's forward pass of `batch` (sampling, the task views), queued like every other call. */
  forward(batch: Batch): Promise<ForwardResult> {
    return this.exclusive(() => this.currentEngine.forward(batch));
  }

  /**
   * Everything the "inside the cell" views show (core/inspect/snapshot.ts), computed on the active engine with
   * the live parameters; queued like every other call, so it never interleaves with a training step.
   */
  inspect(request: InspectRequest, progress: InspectProgress = {}): Promise<InspectSnapshot> {
    return this.exclusive(async () => {
      const engine = this.currentEngine;
      return inspectSnapshot(this.spec, this.task, engine, await engine.readParams(), this.valBatch, request, progress);
    });
  }

  /** Restores the newest checkpoint (all of them were taken after finite steps). Returns its step. */
  rewind(): Promise<number> {
    return this.exclusive(async () => {
      const last = this.ring[this.ring.length - 1];
      if (!last) throw new Error('no checkpoint to rewind to');
      await this.currentEngine.writeCheckpoint(last.checkpoint);
      this.stepCount = last.step;
      this.statsDue = true;
      await this.refreshStats();
      return last.step;
    });
  }

  /**
   * Continues a run from saved weights (a model file or a saved run) at step `step`, with the saved optimiser
   * state when it is of this run's optimiser (else a fresh one). The checkpoint ring starts afresh.
   */
  restore(params: Float32Array, optimizer: OptimizerState | null, step: number): Promise<void> {
    return this.exclusive(async () => {
      if (!this.initialised) await this.initNow();
      const current = await this.currentEngine.readCheckpoint();
      if (params.length !== current.params.length) {
        throw new Error(`the saved weights hold ${params.length} numbers, this model has ${current.params.length}`);
      }
      // The saved optimiser state when it belongs to this run's optimiser; otherwise a fresh one.
      const usable = optimizer && optimizer.kind === this.config.opt ? optimizer : null;
      const fresh: OptimizerState = { kind: this.config.opt, step: 0, slots: [] };
      await this.currentEngine.writeCheckpoint({ ...current, params, optimizer: usable ?? fresh });
      this.stepCount = step;
      this.watch = new DivergenceWatch(this.options);
      this.ring = [];
      await this.saveCheckpoint();
      this.statsDue = true;
      await this.refreshStats();
    });
  }

  /**
   * Rescales each layer's live W_rec (stacked weight_hh) to σ_max = scale. The optimiser state is kept.
   * An ESN ignores it, as at initialisation (its reservoir has setReservoirRadius).
   */
  setWrec(scale: number): Promise<void> {
    return this.exclusive(async () => {
      if (cellInfo(this.spec.cell).reservoir) return;
      const params = await this.currentEngine.readParams();
      rescaleRecurrent(params, this.spec, scale);
      await this.currentEngine.writeParams(params);
      this.statsDue = true;
      await this.refreshStats();
    });
  }

  /** `hold`: W_rec back to σ_max = wrec after an update, so the slider always says what the network has. */
  private async holdWrec(): Promise<void> {
    if (cellInfo(this.spec.cell).reservoir || !(this.config.wrec > 0)) return;
    const params = await this.currentEngine.readParams();
    rescaleRecurrent(params, this.spec, this.config.wrec);
    await this.currentEngine.writeParams(params);
    this.statsDue = true;
  }

  /** ESN only: rescales the live reservoir to spectral radius `rho`. */
  setReservoirRadius(rho: number): Promise<void> {
    return this.exclusive(async () => {
      const params = await this.currentEngine.readParams();
      rescaleReservoir(params, this.spec, rho);
      await this.currentEngine.writeParams(params);
      this.statsDue = true;
      await this.refreshStats();
    });
  }

  setLearningRate(lr: number): void {
    if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`learning rate must be a positive number, got ${lr}`);
    this.lr = lr;
  }

  /** Back to step 0: the same seed gives the same parameters and data as the first time. */
  reset(): Promise<void> {
    this.lr = this.config.lr;
    return this.init();
  }

  /** Moves the run (parameters, optimiser state, carried state) to another engine and disposes the old one. */
  switchEngine(next: Engine): Promise<void> {
    return this.exclusive(async () => {
      if (next === this.currentEngine) return;
      if (!this.initialised) {
        this.currentEngine.dispose();
        this.currentEngine = next;
        return;
      }
      const checkpoint = await this.currentEngine.readCheckpoint();
      await next.writeCheckpoint(checkpoint);
      this.currentEngine.dispose();
      this.currentEngine = next;
    });
  }

  /**
   * Moves the run onto `next` from the newest checkpoint, for when the current engine can no longer be read
   * (a lost GPU device). The steps after that checkpoint are lost. Returns the checkpoint's step.
   */
  recoverOnto(next: Engine): Promise<number> {
    return this.exclusive(async () => {
      const last = this.ring[this.ring.length - 1];
      if (!last) throw new Error('no checkpoint to recover from');
      await next.writeCheckpoint(last.checkpoint);
      try {
        this.currentEngine.dispose();
      } catch {
        // a lost device may refuse to release its resources; they went with it
      }
      this.currentEngine = next;
      this.stepCount = last.step;
      this.statsDue = true;
      await this.refreshStats();
      return last.step;
    });
  }

  /**
   * ESN only: fits the readout (head) in one shot by ridge regression of a training batch's targets on the
   * reservoir states, instead of by gradient. Returns the training loss after the fit.
   */
  fitReadout(lambda = 1e-6, batchSize = Math.max(this.config.B, 64)): Promise<number> {
    return this.exclusive(async () => {
      if (!cellInfo(this.spec.cell).reservoir) throw new Error('a one-shot readout fit applies to echo-state networks only');
      const batch = this.task.batch('train', batchSize, this.config.T, this.dataRng);
      const forward = await this.currentEngine.forward(batch);
      const H = this.spec.hiddenSize;
      const Y = this.spec.outputSize;
      const readout = fitReadout(forward.hidden[this.spec.numLayers - 1], batch, H, Y, lambda);
      const params = await this.currentEngine.readParams();
      const layout = paramLayout(this.spec);
      const weight = findTensor(layout, 'head_weight', -1)!;
      const bias = findTensor(layout, 'head_bias', -1)!;
      params.set(readout.weight, weight.offset);
      params.set(readout.bias, bias.offset);
      await this.currentEngine.writeParams(params);
      const { outputs } = await this.currentEngine.forward(batch);
      const value = lossAndGrad(Float64Array.from(outputs), batch, Y, 0, batch.T, null);
      return value.count > 0 ? value.sum / value.count : 0;
    });
  }

  readParams(): Promise<Float32Array> {
    return this.exclusive(() => this.currentEngine.readParams());
  }

  /** The current weights as a safetensors file (PyTorch names, cell and sizes in the metadata). */
  exportSafetensors(extraMetadata: Record<string, string> = {}): Promise<Uint8Array> {
    return this.exclusive(async () => modelToSafetensors(this.spec, await this.currentEngine.readParams(), { step: String(this.stepCount), ...extraMetadata }));
  }

  dispose(): void {
    this.currentEngine.dispose();
  }

  private statsAreDue(step: number): boolean {
    if (this.statsDue) return true;
    const every = this.options.statsEvery;
    if (every !== 'auto') return step % every === 0;
    // Small models on the CPU engine: every step (cheap, and the frames stay identical from run to run).
    if (this.spec.hiddenSize <= 64 && this.currentEngine.kind === 'cpu') return true;
    // Keep the stats at ≤ 5% of the time: recompute once the training time since the last stats
    // is 20× what the stats took.
    return this.timeTraining >= 20 * this.timeStats;
  }

  private async refreshStats(): Promise<void> {
    const started = now();
    const params = await this.currentEngine.readParams();
    const stats = recurrentStats(params, this.spec);
    this.stats = { ...stats, step: this.stepCount };
    this.statsDue = false;
    this.timeStats = now() - started;
    this.timeTraining = 0;
  }

  private async saveCheckpoint(): Promise<void> {
    const checkpoint = await this.currentEngine.readCheckpoint();
    if (!checkpoint.params.every(Number.isFinite)) return;
    this.ring.push({ step: this.stepCount, checkpoint });
    while (this.ring.length > this.options.checkpointRing) this.ring.shift();
  }

  /** Runs fn after every earlier call has finished (a failed call does not block later ones). */
  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toPrecision(3);
}

/** How many recent gradient norms the running median is taken over. */
const GRADIENT_HISTORY = 50;

/**
 * Decides whether a step diverged: a non-finite value, a loss explosion against the smoothed history, or a
 * gradient explosion against the running median of the recent gradient norms.
 */
export class DivergenceWatch {
  private smoothed: number | null = null; // exponential average of the accepted losses
  private bestSmoothed = Infinity;
  private gradients: number[] = []; // the last GRADIENT_HISTORY accepted gradient norms

  constructor(private readonly options: Pick<TrainerOptions, 'explosionFactor' | 'explosionFloor'> & Partial<Pick<TrainerOptions, 'gradExplosionFactor' | 'gradExplosionFloor'>>) {}

  private median(): number | null {
    if (this.gradients.length === 0) return null;
    const sorted = [...this.gradients].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The largest gradient norm that is not an explosion now (Infinity when the guard is off). */
  gradientCeiling(): number {
    const factor = this.options.gradExplosionFactor ?? Infinity;
    const floor = this.options.gradExplosionFloor ?? Infinity;
    return Math.max(floor, factor * (this.median() ?? 0));
  }

  /** Judges a finite gradient norm; an accepted one joins the history. */
  gradientExploded(gradNorm: number): boolean {
    if (gradNorm > this.gradientCeiling()) return true;
    this.gradients.push(gradNorm);
    if (this.gradients.length > GRADIENT_HISTORY) this.gradients.shift();
    return false;
  }

  /** Why the last gradient counted as exploding, in words. */
  explosionReason(): string {
    const median = this.median();
    const factor = this.options.gradExplosionFactor ?? Infinity;
    return median !== null && factor * median > (this.options.gradExplosionFloor ?? 0)
      ? `over ${factor}× the running median gradient norm (${formatNumber(median)})`
      : `over ${this.gradientCeiling().toLocaleString('en-US')} with no history to compare`;
  }

  diverged(loss: number, finite: boolean): boolean {
    if (!finite || !Number.isFinite(loss)) return true;
    if (loss > Math.max(this.options.explosionFactor * this.bestSmoothed, this.options.explosionFloor)) return true;
    this.smoothed = this.smoothed === null ? loss : 0.9 * this.smoothed + 0.1 * loss;
    this.bestSmoothed = Math.min(this.bestSmoothed, this.smoothed);
    return false;
  }
}
