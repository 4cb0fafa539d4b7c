// The session's answers to the page's requests (a forward pass, the weights as a file, a checkpoint, an
// inspection, the cliff figure, the gate saturation figure): each is matched to its request by id, and carries an error in words instead of throwing.
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import { cliffCurve, cliffProblem, type EvaluateParams } from '../core/figures/cliff';
import { gateSaturation, saturationProblem, SATURATION_WINDOW, validationWindows } from '../core/figures/saturation';
import { CancelledError } from '../core/inspect/connectivity';
import type { InspectRequest } from '../core/inspect/snapshot';
import { Rng } from '../core/rng';
import { CharTask } from '../core/tasks/text';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import type { Engine, StepOptions } from '../engine/engine';
import { errorText } from './engineChoice';
import type { FromWorker } from './protocol';
import { stepOptionsFromConfig, Trainer } from './trainer';

const NOT_READY = 'the model is not ready';

/** A reply and the buffers it hands over (postMessage's transfer list). */
export interface Reply {
  message: FromWorker;
  transfer: Transferable[];
}

/** The current model on one sequence x (T, 1, X) → head outputs (T, 1, Y). */
export async function forwardReply(trainer: Trainer | null, id: number, x: Float32Array, T: number): Promise<Reply> {
  if (!trainer) return { message: { type: 'forwardResult', id, outputs: null, error: NOT_READY }, transfer: [] };
  const task = trainer.task;
  const X = task.inputSize;
  const Y = task.outputSize;
  // engine.forward validates a whole batch: give it empty targets of the right kind
  const batch: Batch =
    task.loss === 'mse'
      ? { T, B: 1, X, x, loss: 'mse', lossSteps: task.lossSteps, y: new Float32Array(T * Y) }
      : { T, B: 1, X, x, loss: 'xent', lossSteps: task.lossSteps, labels: new Int32Array(T).fill(-1) };
  try {
    const { outputs } = await trainer.forward(batch);
    return { message: { type: 'forwardResult', id, outputs, error: null }, transfer: [] };
  } catch (e) {
    return { message: { type: 'forwardResult', id, outputs: null, error: errorText(e) }, transfer: [] };
  }
}

/** The weights as a safetensors file. */
export async function modelReply(trainer: Trainer | null, id: number, metadata: Record<string, string>): Promise<Reply> {
  if (!trainer) return { message: { type: 'model', id, bytes: null, error: NOT_READY }, transfer: [] };
  try {
    const bytes = await trainer.exportSafetensors(metadata);
    return { message: { type: 'model', id, bytes, error: null }, transfer: [bytes.buffer] };
  } catch (e) {
    return { message: { type: 'model', id, bytes: null, error: errorText(e) }, transfer: [] };
  }
}

/** Weights and optimiser state, for the run store; a diverged run's non-finite weights are left out. */
export async function checkpointReply(trainer: Trainer | null, id: number): Promise<Reply> {
  if (!trainer) return { message: { type: 'checkpoint', id, step: 0, checkpoint: null, error: NOT_READY }, transfer: [] };
  try {
    const c = await trainer.engine.readCheckpoint();
    // the run store keeps a diverged run's settings and history without its weights
    const finite = c.params.every(Number.isFinite);
    const saved = finite ? { spec: c.spec, params: c.params, optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, slots: c.optimizer.slots } } : null;
    return { message: { type: 'checkpoint', id, step: trainer.step, checkpoint: saved, error: null }, transfer: [] };
  } catch (e) {
    return { message: { type: 'checkpoint', id, step: 0, checkpoint: null, error: errorText(e) }, transfer: [] };
  }
}

/**
 * "Inside the cell": only the newest request is answered (the slider asks faster than we answer); a newer one
 * cancels the inspection being computed at its next connectivity pass.
 */
export class Inspections {
  private latest = 0;
  private abort: AbortController | null = null;

  /** A request arrived (before it is queued): older ones queued or running are dropped. */
  requested(id: number): void {
    this.latest = id;
    this.abort?.abort(); // a long heat map in progress stops at its next pass
  }

  /** The answer to request `id`, or null when a newer request makes it moot. */
  async answer(trainer: Trainer | null, id: number, request: InspectRequest, post: (message: FromWorker) => void): Promise<FromWorker | null> {
    if (id !== this.latest) return null;
    if (!trainer) return { type: 'inspection', id, step: 0, snapshot: null, error: NOT_READY };
    try {
      const abort = new AbortController();
      this.abort = abort;
      const onPass = (done: number, total: number) => {
        if (total > 1) post({ type: 'inspectProgress', id, done, total });
      };
      const snapshot = await trainer.inspect(request, { onPass, signal: abort.signal });
      return { type: 'inspection', id, step: trainer.step, snapshot, error: null };
    } catch (e) {
      // a cancelled inspection says nothing: the newer request that cancelled it answers
      if (e instanceof CancelledError) return null;
      return { type: 'inspection', id, step: trainer.step, snapshot: null, error: errorText(e) };
    }
  }
}

/**
 * The cliff's evaluations on the page's engine: write the parameters, one step on the fixed batch with
 * update: false (full BPTT, no penalty, no clipping: the raw gradient of the data loss).
 */
export function engineEvaluator(engine: Engine, batch: Batch, options: StepOptions): EvaluateParams {
  const plain: StepOptions = { ...options, update: false, clip: { mode: 'none', threshold: options.clip.threshold }, penalty: { l2: 0, omega: 0 }, bptt: { mode: 'full' }, carryState: false, maxGradNorm: undefined };
  return async (params, wantGrads) => {
    await engine.writeParams(params);
    const r = await engine.step(batch, plain, wantGrads);
    return { loss: r.loss, gradNorm: r.gradNorm, finite: r.finite, grads: r.grads };
  };
}

/** The seed of the cliff's one fixed batch (drawn from the run's task, apart from its training stream). */
const CLIFF_BATCH_SEED = 0xc11ff;

/**
 * "Compute the cliff" (core/figures/cliff.ts) on the page's engine, with the run's lr and clip threshold; the
 * live weights are written back afterwards, cancelled or not. Cancel (or a newer request) stops it between
 * evaluations.
 */
export class CliffFigures {
  private abort: AbortController | null = null;
  private running = 0; // the id being computed
  private cancelledUpTo = 0; // requests up to this id are cancelled (a Cancel can arrive before its request runs)

  cancel(id: number): void {
    this.cancelledUpTo = Math.max(this.cancelledUpTo, id);
    if (this.running <= id) this.abort?.abort();
  }

  async answer(trainer: Trainer | null, config: Config | null, id: number, post: (message: FromWorker) => void): Promise<FromWorker> {
    if (!trainer || !config) return { type: 'cliff', id, step: 0, result: null, error: NOT_READY };
    const problem = cliffProblem(trainer.spec, config.T, config.B);
    if (problem) return { type: 'cliff', id, step: trainer.step, result: null, error: problem };
    if (id <= this.cancelledUpTo) return { type: 'cliff', id, step: trainer.step, result: null, error: 'cancelled' };
    const abort = new AbortController();
    this.abort = abort;
    this.running = id;
    const engine = trainer.engine;
    const original = await engine.readParams();
    try {
      const batch = trainer.task.batch('train', config.B, config.T, new Rng(config.seed ^ CLIFF_BATCH_SEED));
      const evaluate = engineEvaluator(engine, batch, stepOptionsFromConfig(config, trainer.learningRate));
      const result = await cliffCurve(evaluate, trainer.spec, original, {
        lr: trainer.learningRate,
        clipAt: config.clipAt,
        signal: abort.signal,
        onProgress: (done, total) => post({ type: 'cliffProgress', id, done, total }),
      });
      return { type: 'cliff', id, step: trainer.step, result, error: null };
    } catch (e) {
      return { type: 'cliff', id, step: trainer.step, result: null, error: e instanceof CancelledError ? 'cancelled' : errorText(e) };
    } finally {
      await engine.writeParams(original);
      if (this.abort === abort) this.abort = null;
    }
  }
}

/**
 * "Compute" of the gate saturation figure (core/figures/saturation.ts): the live network on the page's engine (the
 * shipped checkpoint while the char lesson has just opened) and the same network freshly initialised — a Trainer
 * of the run's Config and seed, so exactly the weights Reset gives — on a CPU engine of its own in the worker.
 */
export async function saturationReply(trainer: Trainer | null, config: Config | null, id: number, post: (message: FromWorker) => void): Promise<Reply> {
  const answer = (result: FromWorker & { type: 'saturation' }): Reply => ({ message: result, transfer: [] });
  if (!trainer || !config) return answer({ type: 'saturation', id, step: 0, result: null, error: NOT_READY });
  const step = trainer.step;
  const problem = saturationProblem(trainer.spec);
  if (problem) return answer({ type: 'saturation', id, step, result: null, error: problem });
  if (!(trainer.task instanceof CharTask)) return answer({ type: 'saturation', id, step, result: null, error: 'the saturation plot reads the validation text of a character model (task char)' });
  let fresh: Trainer | null = null;
  try {
    const batches = validationWindows(trainer.task);
    const total = 2 * batches.length;
    const trained = await gateSaturation((b) => trainer.forward(b), trainer.spec, batches, { onProgress: (done) => post({ type: 'saturationProgress', id, done, total }) });
    fresh = await Trainer.create(new CpuEngine(), config, trainer.task);
    const freshEngine = fresh.engine;
    const untrained = await gateSaturation((b) => freshEngine.forward(b), fresh.spec, batches, { onProgress: (done) => post({ type: 'saturationProgress', id, done: batches.length + done, total }) });
    const figure = { trained, fresh: untrained, engines: { trained: trainer.engine.kind, fresh: freshEngine.kind }, windows: batches.reduce((n, b) => n + b.B, 0), windowLength: batches[0]?.T ?? SATURATION_WINDOW };
    return answer({ type: 'saturation', id, step, result: figure, error: null });
  } catch (e) {
    return answer({ type: 'saturation', id, step, result: null, error: errorText(e) });
  } finally {
    fresh?.dispose();
  }
}
