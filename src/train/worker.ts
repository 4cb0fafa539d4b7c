/// <reference lib="webworker" />
// The training worker: owns the Trainer (and through it the engine and the weights), runs the loop
// off the main thread, and posts metric frames to the page at most MAX_FRAMES_PER_SECOND times a second.
// Every operation on the Trainer goes through one queue (`serial`), so commands never interleave with a step.
// Every gradient profile it posts carries the version of the weights it was computed on (`weightsVersion`),
// so the page never lets a profile of older weights replace a newer one (src/state/profiles.ts).
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import type { Verdict } from '../core/lessons';
import { initParams } from '../core/init';
import { CancelledError } from '../core/inspect/connectivity';
import type { InspectRequest } from '../core/inspect/snapshot';
import { Rng } from '../core/rng';
import type { ModelSpec } from '../core/spec';
import { createTask } from '../core/tasks';
import type { Task, TaskData } from '../core/tasks/task';
import { createEngine, type CreateEngineOptions } from '../engine/auto';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import { liveBufferCount } from '../engine/webgpu/resources';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine';
import type { Engine } from '../engine/engine';
import { classifyChange, STEP_OPTION_KEYS } from '../core/configChange';
import {
  MAX_FRAMES_PER_SECOND,
  MAX_PROFILES_PER_FRAME,
  type EngineInfo,
  type FromWorker,
  type GradientProfile,
  type RunStatus,
  type SavedCheckpoint,
  type StepSummary,
  type ToWorker,
} from './protocol';
import { specFromConfig } from '../core/modelConfig';
import { stepOptionsFromConfig, Trainer, type MetricFrame } from './trainer';

declare const self: DedicatedWorkerGlobalScope;

/** Work for at most this long before letting messages in (keeps commands and the slider responsive). */
const BURST_MS = 12;
/** A forward pass for the task view at most this often while training. */
const SNAPSHOT_EVERY_MS = 2000;

type EngineChoice = Config['engine'];

function send(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- state of the session ------------------------------------------------------------------------

let config: Config | null = null;
let data: TaskData = {};
let trainer: Trainer | null = null;
let engineInfo: EngineInfo | null = null;
let running = false;
let diverged = false;
let speed: number | null = null; // target steps per second; null = as fast as possible
let loopActive = false;
/** The page's pause commands so far: a queued play, or a command that stops the loop for a while, resumes it only if none came meanwhile. */
let pauseRequests = 0;

/**
 * Bumped on every change of the weights, or of how their gradient is taken, that is not a training step
 * (W_rec or reservoir rescale, step options, reset, rewind, restore, readout fit, engine switch, rebuild).
 * Every profile posted is stamped with it. Never reset: the page compares versions across rebuilds.
 */
let weightsVersion = 0;
/** The version of the newest profile the page has been sent (or told to drop, on a rebuild). */
let postedVersion = 0;

function weightsChanged(): void {
  weightsVersion++;
}

let pendingSteps: StepSummary[] = [];
let pendingProfiles: GradientProfile[] = [];
let pendingVerdict: Verdict | null = null;
let lastPost = 0;
let lastSnapshot = 0;
const stepTimes: number[] = []; // completion times of recent steps, for steps/s

let queue: Promise<unknown> = Promise.resolve();
function serial<R>(fn: () => Promise<R>): Promise<R> {
  const run = queue.then(fn, fn);
  queue = run.catch((e) => {
    running = false;
    send({ type: 'error', message: errorText(e) });
    sendStatus();
  });
  return run;
}

/** serial() for commands nobody awaits: a failure is already reported to the page by serial(). */
function enqueue(fn: () => Promise<unknown>): void {
  serial(fn).catch(() => undefined);
}

function status(): RunStatus {
  if (!trainer) return 'starting';
  if (diverged) return 'diverged';
  return running ? 'running' : 'paused';
}

function sendStatus(): void {
  send({ type: 'status', status: status(), step: trainer?.step ?? 0 });
}

// ---- engines ---------------------------------------------------------------------------------------

/**
 * The engine a choice asks for (auto.ts: 'auto' times both engines on this model and keeps the faster),
 * and in words why it is the one we got. `params` are only for the timing; the Trainer sets its own.
 */
async function pickEngine(choice: EngineChoice, spec: ModelSpec, params: Float32Array, probe?: CreateEngineOptions['probe']): Promise<{ engine: Engine; reason: string }> {
  const onLost = (message: string) => onDeviceLost(message);
  return createEngine(choice, { spec, params, probe, onLost });
}

function describe(engine: Engine, reason: string): EngineInfo {
  // auto.ts starts its reasons with the engine's name, which the badge already shows
  return { kind: engine.kind, description: engine.description, reason: reason.replace(/^(CPU|WebGPU):\s*/, '') };
}

/** Parameters and a batch like the run's own, for timing the engines before the Trainer exists. */
function probeFor(cfg: Config, task: Task, spec: ModelSpec) {
  const rng = new Rng(cfg.seed);
  const params = initParams(spec, { init: cfg.init, wrec: cfg.wrec }, rng);
  const batch = task.batch('train', cfg.B, cfg.T, rng);
  return { params, probe: { batch, opts: stepOptionsFromConfig(cfg) } };
}

/** A Trainer on the chosen engine; if the GPU engine cannot take this model, the CPU engine does, saying why. */
async function buildTrainer(cfg: Config, taskData: TaskData): Promise<Trainer> {
  const task = createTask(cfg, taskData);
  const spec = specFromConfig(cfg, task);
  const { params, probe } = probeFor(cfg, task, spec);
  const { engine, reason } = await pickEngine(cfg.engine, spec, params, probe);
  try {
    const built = await Trainer.create(engine, cfg, task);
    engineInfo = describe(engine, reason);
    return built;
  } catch (e) {
    if (engine.kind !== 'webgpu') throw e;
    engine.dispose();
    const fallback = new CpuEngine();
    const built = await Trainer.create(fallback, cfg, task);
    engineInfo = describe(fallback, `WebGPU could not run this model: ${errorText(e).split('\n')[0]}`);
    return built;
  }
}

function clearPending(): void {
  pendingSteps = [];
  pendingProfiles = [];
  stepTimes.length = 0;
}

async function rebuild(cfg: Config, taskData: TaskData): Promise<void> {
  const next = await buildTrainer(cfg, taskData);
  trainer?.dispose();
  trainer = next;
  config = cfg;
  data = taskData;
  diverged = false;
  clearPending();
  weightsChanged();
  postedVersion = weightsVersion; // a rebuilt 'ready' clears the page's profile: nothing of the old weights is shown
  send({ type: 'ready', engine: engineInfo!, step: 0, rebuilt: true });
  sendStatus();
}

// ---- the loop ---------------------------------------------------------------------------------------

function summarize(frame: MetricFrame): StepSummary {
  return {
    step: frame.step,
    loss: frame.loss,
    valLoss: frame.valLoss,
    metric: frame.metric ? frame.metric.value : null,
    metricName: frame.metric ? frame.metric.name : null,
    gradNorm: frame.gradNorm,
    clipFactor: frame.clipFactor,
    sigmaMax: frame.sigmaMax[0] ?? NaN,
    spectralRadius: frame.spectralRadius[0] ?? NaN,
  };
}

function record(frame: MetricFrame): void {
  pendingSteps.push(summarize(frame));
  pendingVerdict = frame.verdict;
  pendingProfiles.push({ step: frame.step, weightsVersion, dh: frame.dhNorm, dc: frame.dcNorm });
  const t = performance.now();
  stepTimes.push(t);
  while (stepTimes.length && stepTimes[0] < t - 2000) stepTimes.shift();
}

function stepsPerSecond(): number {
  if (stepTimes.length < 2) return 0;
  const span = performance.now() - stepTimes[0];
  return span > 0 ? ((stepTimes.length - 1) * 1000) / span : 0;
}

/** Sends what accumulated since the last frame message; `force` sends regardless of the rate limit. */
function flush(force = false): void {
  const t = performance.now();
  if (!pendingSteps.length) return;
  if (!force && t - lastPost < 1000 / MAX_FRAMES_PER_SECOND) return;
  lastPost = t;
  // a few evenly spaced profiles (the heatmap's columns), always including the newest
  const n = pendingProfiles.length;
  const k = Math.min(MAX_PROFILES_PER_FRAME, n);
  const profiles: GradientProfile[] = [];
  for (let i = 0; i < k; i++) profiles.push(pendingProfiles[Math.round(((i + 1) * n) / k) - 1]);
  for (const p of profiles) postedVersion = Math.max(postedVersion, p.weightsVersion);
  // Profiles recorded before a change of the weights still go out (they are the heatmap's history of those steps);
  // the version sent with them tells the page they are not of the current weights.
  send({ type: 'frames', steps: pendingSteps, profiles, weightsVersion, stepsPerSecond: running ? stepsPerSecond() : 0, verdict: pendingVerdict });
  pendingSteps = [];
  pendingProfiles = [];
}

async function snapshot(): Promise<void> {
  if (!trainer) return;
  lastSnapshot = performance.now();
  const { batch, outputs } = await trainer.snapshot();
  send({ type: 'snapshot', step: trainer.step, outputs: outputs.slice(), batch: batch as Batch });
}

/** One step; returns false when the run must stop (divergence, or the configured step count reached). */
async function stepAndRecord(): Promise<boolean> {
  if (!trainer || !config) return false;
  const frame = await trainer.stepOnce();
  record(frame);
  if (frame.diverged) {
    diverged = true;
    running = false;
    flush(true);
    send({ type: 'diverged', step: frame.step, message: frame.message ?? `diverged at step ${frame.step}` });
    sendStatus();
    return false;
  }
  if (config.steps > 0 && frame.step >= config.steps) {
    running = false;
    flush(true);
    sendStatus();
    return false;
  }
  return true;
}

const yieldChannel = new MessageChannel();
/** Lets queued messages run (a macrotask turn) without the 4 ms clamp of nested setTimeout. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    yieldChannel.port1.onmessage = () => resolve();
    yieldChannel.port2.postMessage(null);
  });
}

async function loop(): Promise<void> {
  if (loopActive) return;
  loopActive = true;
  let nextDue = performance.now();
  try {
    while (running) {
      // a failing step is reported by serial() (error message, running = false); the loop then ends
      await serial(async () => {
        const start = performance.now();
        while (running && performance.now() - start < BURST_MS) {
          if (speed !== null && performance.now() < nextDue) break;
          if (!(await stepAndRecord())) break;
          if (speed !== null) nextDue = Math.max(nextDue + 1000 / speed, performance.now() - 1000 / speed);
        }
        flush();
        if (running && performance.now() - lastSnapshot > SNAPSHOT_EVERY_MS) await snapshot();
      }).catch(() => undefined);
      if (speed !== null && running) {
        const wait = nextDue - performance.now();
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 1000 / MAX_FRAMES_PER_SECOND))));
      } else {
        await yieldToMessages();
      }
    }
  } finally {
    loopActive = false;
    await serial(async () => {
      flush(true);
    });
  }
}

function play(): void {
  if (!trainer || diverged) return;
  if (config && config.steps > 0 && trainer.step >= config.steps) return;
  running = true;
  sendStatus();
  void loop();
}

// ---- live changes --------------------------------------------------------------------------------

async function configure(next: Config, nextData: TaskData): Promise<void> {
  if (!trainer || !config) {
    // nothing built yet (or the last build failed, e.g. a CSV task before its file): build now
    await rebuild(next, nextData);
    return;
  }
  const change = classifyChange(config, next);
  const dataChanged = nextData.text !== data.text || nextData.series !== data.series;
  if (change.rebuild || dataChanged) {
    const wasRunning = running;
    const pausesBefore = pauseRequests;
    running = false;
    await rebuild(next, nextData);
    // a pause that arrived while the model was rebuilt (running was already false) still holds
    if (wasRunning && pauseRequests === pausesBefore) play();
    return;
  }
  // The trainer reads its Config on every step and on reset: keep the live keys in step with the page.
  const live = trainer.config;
  if (change.wrec !== null) {
    live.wrec = next.wrec;
    if (next.wrec > 0) {
      await trainer.setWrec(next.wrec);
      weightsChanged();
    }
  }
  if (change.lr !== null) {
    live.lr = next.lr;
    trainer.setLearningRate(next.lr);
  }
  if (change.rho !== null) {
    live.rho = next.rho;
    if (trainer.spec.cell === 'esn') {
      await trainer.setReservoirRadius(next.rho);
      weightsChanged();
    }
  }
  if (change.stepOptions) {
    for (const key of STEP_OPTION_KEYS) (live as Record<string, unknown>)[key] = next[key];
    weightsChanged(); // truncation, penalties and clipping change the profile of the same weights
  }
  live.steps = next.steps;
  live.preset = next.preset;
  config = next;
  if (change.engine !== null) {
    const { engine, reason } = await pickEngine(next.engine, trainer.spec, await trainer.readParams());
    try {
      await trainer.switchEngine(engine);
      weightsChanged(); // the same numbers, on another engine's arithmetic
      engineInfo = describe(engine, reason);
    } catch (e) {
      engine.dispose();
      send({ type: 'notice', message: `could not switch engines: ${errorText(e)}` });
    }
    live.engine = next.engine;
    send({ type: 'ready', engine: engineInfo!, step: trainer.step, rebuilt: false });
  }
  await previewIfStale();
}

/**
 * While paused, the gradient profile of the current weights (a backward pass with update: false on a
 * batch from its own stream, so the run's data and weights are untouched): moving W_rec shows at once.
 * Call it only from inside serial(): a step in flight has then finished and no step starts before it returns,
 * so the preview and a step never interleave on the engine, and nothing the loop posts later is of older weights
 * than the preview without saying so (its version).
 */
async function previewGradients(): Promise<void> {
  if (!trainer || !config || running || diverged) return;
  const version = weightsVersion;
  const batch = trainer.task.batch('train', config.B, config.T, new Rng(config.seed ^ 0x5eed));
  const result = await trainer.gradients(batch, stepOptionsFromConfig(config, trainer.learningRate));
  if (!result.finite) return;
  postedVersion = Math.max(postedVersion, version);
  send({ type: 'profile', profile: { step: trainer.step, weightsVersion: version, dh: result.dhNorm, dc: result.dcNorm ?? null } });
}

/**
 * While paused, previews the gradients when the newest profile the page has is of older weights: after a live
 * change, and after a pause that came before any step on weights changed while running. Inside serial() only.
 */
async function previewIfStale(): Promise<void> {
  if (postedVersion < weightsVersion) await previewGradients();
}

async function forwardOne(id: number, x: Float32Array, T: number): Promise<void> {
  if (!trainer) {
    send({ type: 'forwardResult', id, outputs: null, error: 'the model is not ready' });
    return;
  }
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
    send({ type: 'forwardResult', id, outputs, error: null });
  } catch (e) {
    send({ type: 'forwardResult', id, outputs: null, error: errorText(e) });
  }
}

// ---- export, saved runs, inspection ---------------------------------------------------------------

async function exportModel(id: number, metadata: Record<string, string>): Promise<void> {
  if (!trainer) {
    send({ type: 'model', id, bytes: null, error: 'the model is not ready' });
    return;
  }
  try {
    const bytes = await trainer.exportSafetensors(metadata);
    send({ type: 'model', id, bytes, error: null }, [bytes.buffer]);
  } catch (e) {
    send({ type: 'model', id, bytes: null, error: errorText(e) });
  }
}

async function checkpoint(id: number): Promise<void> {
  if (!trainer) {
    send({ type: 'checkpoint', id, step: 0, checkpoint: null, error: 'the model is not ready' });
    return;
  }
  try {
    const c = await trainer.engine.readCheckpoint();
    // a diverged run is saved without its non-finite weights (the run store keeps the settings and history)
    const finite = c.params.every(Number.isFinite);
    const saved = finite ? { spec: c.spec, params: c.params, optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, slots: c.optimizer.slots } } : null;
    send({ type: 'checkpoint', id, step: trainer.step, checkpoint: saved, error: null });
  } catch (e) {
    send({ type: 'checkpoint', id, step: 0, checkpoint: null, error: errorText(e) });
  }
}

/** Weights from a file or a saved run; the page set the matching Config first (so the spec agrees). */
async function restore(params: Float32Array, optimizer: SavedCheckpoint['optimizer'], step: number): Promise<void> {
  if (!trainer) throw new Error('the model is not ready');
  await trainer.restore(params, optimizer, step);
  weightsChanged();
  diverged = false;
  clearPending();
  send({ type: 'restored', step });
  await snapshot();
  await previewIfStale();
  sendStatus();
}

/** The newest inspect request; an older one still queued is dropped (the slider asks faster than we answer). */
let latestInspect = 0;
/** Cancels the inspection being computed (between connectivity passes). */
let inspectAbort: AbortController | null = null;

async function inspect(id: number, request: InspectRequest): Promise<void> {
  if (id !== latestInspect) return;
  if (!trainer) {
    send({ type: 'inspection', id, step: 0, snapshot: null, error: 'the model is not ready' });
    return;
  }
  try {
    const t = trainer;
    const abort = new AbortController();
    inspectAbort = abort;
    const onPass = (done: number, total: number) => {
      if (total > 1) send({ type: 'inspectProgress', id, done, total });
    };
    const snap = await t.inspect(request, { onPass, signal: abort.signal });
    send({ type: 'inspection', id, step: t.step, snapshot: snap, error: null });
  } catch (e) {
    // a cancelled inspection says nothing: the newer request that cancelled it answers
    if (!(e instanceof CancelledError)) send({ type: 'inspection', id, step: trainer.step, snapshot: null, error: errorText(e) });
  }
}

async function fitReadout(): Promise<void> {
  if (!trainer) return;
  try {
    const loss = await trainer.fitReadout();
    weightsChanged();
    send({ type: 'notice', message: `readout fitted by ridge regression: training loss ${loss.toPrecision(3)}` });
    await snapshot();
    await previewIfStale();
  } catch (e) {
    send({ type: 'notice', message: `could not fit the readout: ${errorText(e)}` });
  }
}

// ---- hardening: a lost GPU device, and test hooks --------------------------------------------------
// The WebGPU engine calls onLost once when its device goes (driver reset, GPU removed, destroy()). The run
// moves to the CPU engine from the Trainer's newest checkpoint, says so, and goes on if it was running.

function onDeviceLost(message: string): void {
  // the step in flight usually fails first (serial() then stops the loop): a step completed within the last
  // half second also means the run was training
  const lastStep = stepTimes[stepTimes.length - 1];
  const wasRunning = running || loopActive || (lastStep !== undefined && performance.now() - lastStep < 500);
  const pausesBefore = pauseRequests;
  enqueue(async () => {
    const t = trainer;
    if (!t || t.engine.kind !== 'webgpu') return; // an engine that was being timed or replaced
    running = false;
    const lostAt = t.step;
    const cpu = new CpuEngine();
    const step = await t.recoverOnto(cpu);
    weightsChanged();
    engineInfo = describe(cpu, `the GPU device was lost at step ${lostAt}`);
    diverged = false;
    clearPending();
    send({ type: 'rewound', step });
    send({ type: 'ready', engine: engineInfo, step, rebuilt: false });
    send({ type: 'notice', message: `the GPU device was lost (${message}); the run goes on on the CPU from its checkpoint at step ${step}` });
    sendStatus();
    if (wasRunning && pauseRequests === pausesBefore) play();
    else await previewIfStale();
  });
}

/**
 * For the fault and soak tests and the console (self.rnnlabTest in the worker): the live GPU buffer count and
 * faults on demand. Nothing in the page calls them.
 */
(self as unknown as { rnnlabTest: object }).rnnlabTest = {
  liveGpuBuffers: () => liveBufferCount(),
  step: () => trainer?.step ?? 0,
  /** Destroys the WebGPU engine's device, as a driver reset would; false when the run is not on WebGPU. */
  loseDevice: (): boolean => {
    const engine = trainer?.engine;
    if (!(engine instanceof WebGpuEngine) || !engine.context) return false;
    engine.context.device.destroy();
    return true;
  },
  /** An uncaught error, as a bug would throw: the page restarts the worker. */
  crash: (): void => {
    setTimeout(() => {
      throw new Error('rnnlab test hook: the training worker crashed');
    });
  },
};

// ---- messages ------------------------------------------------------------------------------------

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'init':
      enqueue(() => rebuild(msg.config, msg.data));
      return;
    case 'configure':
      enqueue(() => configure(msg.config, msg.data));
      return;
    case 'play': {
      // 'pause' acts at once (between steps), 'play' in turn: a pause sent after this play must still win
      const pausesBefore = pauseRequests;
      enqueue(async () => {
        if (pauseRequests === pausesBefore) play();
      });
      return;
    }
    case 'pause':
      running = false; // takes effect between steps; the loop then flushes
      pauseRequests++;
      // queued behind the step in flight: the weights the preview sees are those the run stopped on
      enqueue(async () => {
        flush(true);
        await previewIfStale(); // e.g. W_rec moved while running, and paused before a step on the new weights
        sendStatus();
      });
      return;
    case 'step':
      enqueue(async () => {
        if (!trainer || diverged) return;
        running = false;
        for (let i = 0; i < msg.count; i++) if (!(await stepAndRecord())) break;
        flush(true);
        await snapshot();
        sendStatus();
      });
      return;
    case 'reset':
      enqueue(async () => {
        if (!trainer) return;
        await trainer.reset();
        weightsChanged();
        diverged = false;
        clearPending();
        send({ type: 'ready', engine: engineInfo!, step: 0, rebuilt: true });
        await snapshot();
        await previewIfStale();
        sendStatus();
      });
      return;
    case 'rewind':
      enqueue(async () => {
        if (!trainer) return;
        running = false;
        const step = await trainer.rewind();
        weightsChanged();
        diverged = false;
        clearPending();
        send({ type: 'rewound', step });
        await previewIfStale();
        sendStatus();
      });
      return;
    case 'speed':
      speed = msg.stepsPerSecond;
      return;
    case 'forward':
      enqueue(() => forwardOne(msg.id, msg.x, msg.T));
      return;
    case 'exportModel':
      enqueue(() => exportModel(msg.id, msg.metadata));
      return;
    case 'checkpoint':
      enqueue(() => checkpoint(msg.id));
      return;
    case 'loadModel':
      enqueue(() => restore(msg.params, null, msg.step));
      return;
    case 'loadCheckpoint':
      enqueue(() => restore(msg.checkpoint.params, msg.checkpoint.optimizer, msg.step));
      return;
    case 'inspect':
      latestInspect = msg.id;
      inspectAbort?.abort(); // a long heat map in progress stops at its next pass
      enqueue(() => inspect(msg.id, msg.request));
      return;
    case 'fitReadout':
      enqueue(fitReadout);
      return;
  }
};
