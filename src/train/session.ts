// The training session: owns the Trainer (and through it the engine and the weights), runs the loop, applies
// the page's live changes and answers its requests, and posts metric frames at most MAX_FRAMES_PER_SECOND
// times a second through the `post` it is given (the worker's postMessage; a test's collector).
// Every operation on the Trainer goes through one queue, so commands never interleave with a step.
// Every gradient profile it posts carries the version of the weights it was computed on (frames.ts).
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import { classifyChange } from '../core/configChange';
import { Rng } from '../core/rng';
import { cellInfo } from '../core/spec';
import type { TaskData } from '../core/tasks/task';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import { buildTrainer, describeEngine, errorText, pickEngine } from './engineChoice';
import { PendingFrames, WeightsVersions } from './frames';
import { MAX_FRAMES_PER_SECOND, type EngineInfo, type FromWorker, type RunStatus, type SavedCheckpoint, type ToWorker } from './protocol';
import { checkpointReply, CliffFigures, forwardReply, Inspections, modelReply, saturationReply, type Reply } from './replies';
import { SerialQueue } from './serialQueue';
import { stepOptionsFromConfig, type Trainer } from './trainer';

/** Work for at most this long before letting messages in (keeps commands and the slider responsive). */
const BURST_MS = 12;
/** A forward pass for the task view at most this often while training. */
const SNAPSHOT_EVERY_MS = 2000;
/** A step completed this recently means the run was training when the GPU device was lost. */
const RECENT_STEP_MS = 500;

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

export class TrainingSession {
  private config: Config | null = null;
  private data: TaskData = {};
  private trainer: Trainer | null = null;
  private engineInfo: EngineInfo | null = null;
  private running = false;
  private diverged = false;
  private speed: number | null = null; // target steps per second; null = as fast as possible
  private loopActive = false;
  /** The page's pause commands so far: a queued play, or a command that stops the loop for a while, resumes it only if none came meanwhile. */
  private pauseRequests = 0;
  private lastSnapshot = 0;
  private readonly versions = new WeightsVersions();
  private readonly frames = new PendingFrames(this.versions);
  private readonly inspections = new Inspections();
  private readonly cliffs = new CliffFigures();
  private readonly queue: SerialQueue;
  private readonly yieldChannel = new MessageChannel();

  constructor(private readonly post: Post) {
    this.queue = new SerialQueue((e) => {
      this.running = false;
      this.post({ type: 'error', message: errorText(e) });
      this.sendStatus();
    });
  }

  /** The run's Trainer, for the test hooks; null before the first build. */
  get currentTrainer(): Trainer | null {
    return this.trainer;
  }

  /** One message from the page. */
  handle(msg: ToWorker): void {
    const enqueue = (fn: () => Promise<unknown>) => this.queue.enqueue(fn);
    switch (msg.type) {
      case 'init':
        return enqueue(() => this.rebuild(msg.config, msg.data));
      case 'configure':
        return enqueue(() => this.configure(msg.config, msg.data));
      case 'play': {
        // 'pause' acts at once (between steps), 'play' in turn: a pause sent after this play must still win
        const pausesBefore = this.pauseRequests;
        return enqueue(async () => {
          if (this.pauseRequests === pausesBefore) this.play();
        });
      }
      case 'pause':
        this.running = false; // takes effect between steps; the loop then flushes
        this.pauseRequests++;
        // queued behind the step in flight: the weights the preview sees are those the run stopped on
        return enqueue(async () => {
          this.flush(true);
          await this.previewIfStale(); // e.g. W_rec moved while running, and paused before a step on the new weights
          this.sendStatus();
        });
      case 'step':
        return enqueue(() => this.steps(msg.count));
      case 'reset':
        return enqueue(() => this.reset());
      case 'rewind':
        return enqueue(() => this.rewind());
      case 'speed':
        this.speed = msg.stepsPerSecond;
        return;
      case 'forward':
        return enqueue(async () => this.reply(await forwardReply(this.trainer, msg.id, msg.x, msg.T)));
      case 'exportModel':
        return enqueue(async () => this.reply(await modelReply(this.trainer, msg.id, msg.metadata)));
      case 'checkpoint':
        return enqueue(async () => this.reply(await checkpointReply(this.trainer, msg.id)));
      case 'loadModel':
        return enqueue(() => this.restore(msg.params, null, msg.step));
      case 'loadCheckpoint':
        return enqueue(() => this.restore(msg.checkpoint.params, msg.checkpoint.optimizer, msg.step));
      case 'inspect':
        this.inspections.requested(msg.id);
        return enqueue(async () => {
          const answer = await this.inspections.answer(this.trainer, msg.id, msg.request, (m) => this.post(m));
          if (answer) this.post(answer);
        });
      case 'fitReadout':
        return enqueue(() => this.fitReadout());
      case 'cliff':
        // queued: the figure's evaluations never interleave with a training step, and the weights are back after it
        return enqueue(async () => this.post(await this.cliffs.answer(this.trainer, this.config, msg.id, (m) => this.post(m))));
      case 'cancelCliff':
        this.cliffs.cancel(msg.id); // at once, not queued behind the figure it cancels
        return;
      case 'saturation':
        // queued: the forward passes never interleave with a training step
        return enqueue(async () => this.reply(await saturationReply(this.trainer, this.config, msg.id, (m) => this.post(m))));
    }
  }

  private reply({ message, transfer }: Reply): void {
    this.post(message, transfer);
  }

  private status(): RunStatus {
    if (!this.trainer) return 'starting';
    if (this.diverged) return 'diverged';
    return this.running ? 'running' : 'paused';
  }

  private sendStatus(): void {
    this.post({ type: 'status', status: this.status(), step: this.trainer?.step ?? 0 });
  }

  /** Sends what accumulated since the last frame message; `force` sends regardless of the rate limit. */
  private flush(force = false): void {
    const message = this.frames.take(force, this.running);
    if (message) this.post(message);
  }

  /** The weights changed without a step: the run's unsent steps and divergence are of the old ones. */
  private weightsReplaced(): void {
    this.versions.changed();
    this.diverged = false;
    this.frames.clear();
  }

  private async rebuild(config: Config, data: TaskData): Promise<void> {
    const next = await buildTrainer(config, data, (message) => this.onDeviceLost(message));
    this.trainer?.dispose();
    this.trainer = next.trainer;
    this.engineInfo = next.engineInfo;
    this.config = config;
    this.data = data;
    this.weightsReplaced();
    this.versions.pageCleared();
    this.post({ type: 'ready', engine: this.engineInfo, step: 0, rebuilt: true });
    this.sendStatus();
  }

  // ---- the loop -----------------------------------------------------------------------------------

  private async snapshot(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    this.lastSnapshot = performance.now();
    const { batch, outputs } = await trainer.snapshot();
    this.post({ type: 'snapshot', step: trainer.step, outputs: outputs.slice(), batch: batch as Batch });
  }

  /** One step; returns false when the run must stop (divergence, or the configured step count reached). */
  private async stepAndRecord(): Promise<boolean> {
    if (!this.trainer || !this.config) return false;
    const frame = await this.trainer.stepOnce();
    this.frames.record(frame);
    if (frame.diverged) {
      this.diverged = true;
      this.running = false;
      this.flush(true);
      this.post({ type: 'diverged', step: frame.step, message: frame.message ?? `diverged at step ${frame.step}` });
      this.sendStatus();
      return false;
    }
    if (this.config.steps > 0 && frame.step >= this.config.steps) {
      this.running = false;
      this.flush(true);
      this.sendStatus();
      return false;
    }
    return true;
  }

  /** Lets queued messages run (a macrotask turn) without the 4 ms clamp of nested setTimeout. */
  private yieldToMessages(): Promise<void> {
    return new Promise((resolve) => {
      this.yieldChannel.port1.onmessage = () => resolve();
      this.yieldChannel.port2.postMessage(null);
    });
  }

  private async loop(): Promise<void> {
    if (this.loopActive) return;
    this.loopActive = true;
    let nextDue = performance.now();
    try {
      while (this.running) {
        // a failing step is reported by the queue (error message, running = false); the loop then ends
        await this.queue
          .run(async () => {
            const start = performance.now();
            while (this.running && performance.now() - start < BURST_MS) {
              if (this.speed !== null && performance.now() < nextDue) break;
              if (!(await this.stepAndRecord())) break;
              if (this.speed !== null) nextDue = Math.max(nextDue + 1000 / this.speed, performance.now() - 1000 / this.speed);
            }
            this.flush();
            if (this.running && performance.now() - this.lastSnapshot > SNAPSHOT_EVERY_MS) await this.snapshot();
          })
          .catch(() => undefined);
        if (this.speed !== null && this.running) {
          const wait = nextDue - performance.now();
          await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 1000 / MAX_FRAMES_PER_SECOND))));
        } else {
          await this.yieldToMessages();
        }
      }
    } finally {
      this.loopActive = false;
      await this.queue.run(async () => this.flush(true));
    }
  }

  private play(): void {
    const { trainer, config } = this;
    if (!trainer || this.diverged) return;
    if (config && config.steps > 0 && trainer.step >= config.steps) return;
    this.running = true;
    this.sendStatus();
    void this.loop();
  }

  private async steps(count: number): Promise<void> {
    if (!this.trainer || this.diverged) return;
    this.running = false;
    for (let i = 0; i < count; i++) if (!(await this.stepAndRecord())) break;
    this.flush(true);
    await this.snapshot();
    this.sendStatus();
  }

  private async reset(): Promise<void> {
    if (!this.trainer) return;
    await this.trainer.reset();
    this.weightsReplaced();
    this.post({ type: 'ready', engine: this.engineInfo!, step: 0, rebuilt: true });
    await this.snapshot();
    await this.previewIfStale();
    this.sendStatus();
  }

  private async rewind(): Promise<void> {
    if (!this.trainer) return;
    this.running = false;
    const step = await this.trainer.rewind();
    this.weightsReplaced();
    this.post({ type: 'rewound', step });
    await this.previewIfStale();
    this.sendStatus();
  }

  // ---- live changes -------------------------------------------------------------------------------

  private async configure(next: Config, nextData: TaskData): Promise<void> {
    const { trainer, config } = this;
    if (!trainer || !config) {
      // nothing built yet (or the last build failed, e.g. a CSV task before its file): build now
      await this.rebuild(next, nextData);
      return;
    }
    const change = classifyChange(config, next);
    const dataChanged = nextData.text !== this.data.text || nextData.series !== this.data.series;
    if (change.rebuild || dataChanged) {
      const wasRunning = this.running;
      const pausesBefore = this.pauseRequests;
      this.running = false;
      await this.rebuild(next, nextData);
      // a pause that arrived while the model was rebuilt (running was already false) still holds
      if (wasRunning && this.pauseRequests === pausesBefore) this.play();
      return;
    }
    // The trainer reads its Config on every step and on reset: it takes the live settings first.
    trainer.applyLiveSettings(next);
    if (change.wrec !== null && next.wrec > 0) {
      await trainer.setWrec(next.wrec);
      this.versions.changed();
    }
    if (change.lr !== null) trainer.setLearningRate(next.lr);
    if (change.rho !== null && cellInfo(trainer.spec.cell).reservoir) {
      await trainer.setReservoirRadius(next.rho);
      this.versions.changed();
    }
    if (change.stepOptions) this.versions.changed(); // truncation, penalties and clipping change the profile of the same weights
    this.config = next;
    if (change.engine !== null) {
      const { engine, reason } = await pickEngine(next.engine, trainer.spec, await trainer.readParams(), (message) => this.onDeviceLost(message));
      try {
        await trainer.switchEngine(engine);
        this.versions.changed(); // the same numbers, on another engine's arithmetic
        this.engineInfo = describeEngine(engine, reason);
      } catch (e) {
        engine.dispose();
        this.post({ type: 'notice', message: `could not switch engines: ${errorText(e)}` });
      }
      this.post({ type: 'ready', engine: this.engineInfo!, step: trainer.step, rebuilt: false });
    }
    await this.previewIfStale();
  }

  /**
   * While paused, previews the gradients when the newest profile the page has is of older weights: after a live
   * change, and after a pause that came before any step on weights changed while running. The profile is of the
   * current weights (a backward pass with update: false on a batch from its own stream, so the run's data and
   * weights are untouched): moving W_rec shows at once. Call it only from inside the queue: a step in flight has
   * then finished and no step starts before it returns, so the preview and a step never interleave on the engine,
   * and nothing the loop posts later is of older weights than the preview without saying so (its version).
   */
  private async previewIfStale(): Promise<void> {
    const { trainer, config } = this;
    if (!this.versions.stale || !trainer || !config || this.running || this.diverged) return;
    const version = this.versions.current;
    const batch = trainer.task.batch('train', config.B, config.T, new Rng(config.seed ^ 0x5eed));
    const result = await trainer.gradients(batch, stepOptionsFromConfig(config, trainer.learningRate));
    if (!result.finite) return;
    this.versions.sent(version);
    this.post({ type: 'profile', profile: { step: trainer.step, weightsVersion: version, dh: result.dhNorm, dc: result.dcNorm ?? null } });
  }

  // ---- saved runs and the ESN readout -------------------------------------------------------------

  /** Weights from a file or a saved run; the page set the matching Config first (so the spec agrees). */
  private async restore(params: Float32Array, optimizer: SavedCheckpoint['optimizer'], step: number): Promise<void> {
    if (!this.trainer) throw new Error('the model is not ready');
    await this.trainer.restore(params, optimizer, step);
    this.weightsReplaced();
    this.post({ type: 'restored', step });
    await this.snapshot();
    await this.previewIfStale();
    this.sendStatus();
  }

  private async fitReadout(): Promise<void> {
    if (!this.trainer) return;
    try {
      const loss = await this.trainer.fitReadout();
      this.versions.changed();
      this.post({ type: 'notice', message: `readout fitted by ridge regression: training loss ${loss.toPrecision(3)}` });
      await this.snapshot();
      await this.previewIfStale();
    } catch (e) {
      this.post({ type: 'notice', message: `could not fit the readout: ${errorText(e)}` });
    }
  }

  // ---- a lost GPU device ----------------------------------------------------------------------------
  // The WebGPU engine calls onLost once when its device goes (driver reset, GPU removed, destroy()). The run
  // moves to the CPU engine from the Trainer's newest checkpoint, says so, and goes on if it was running.

  private onDeviceLost(message: string): void {
    // the step in flight usually fails first (the queue then stops the loop): a step completed within the last
    // half second also means the run was training
    const lastStep = this.frames.lastStepAt;
    const wasRunning = this.running || this.loopActive || (lastStep !== undefined && performance.now() - lastStep < RECENT_STEP_MS);
    const pausesBefore = this.pauseRequests;
    this.queue.enqueue(async () => {
      const trainer = this.trainer;
      if (!trainer || trainer.engine.kind !== 'webgpu') return; // an engine that was being timed or replaced
      this.running = false;
      const lostAt = trainer.step;
      const cpu = new CpuEngine();
      const step = await trainer.recoverOnto(cpu);
      this.weightsReplaced();
      this.engineInfo = describeEngine(cpu, `the GPU device was lost at step ${lostAt}`);
      this.post({ type: 'rewound', step });
      this.post({ type: 'ready', engine: this.engineInfo, step, rebuilt: false });
      this.post({ type: 'notice', message: `the GPU device was lost (${message}); the run goes on on the CPU from its checkpoint at step ${step}` });
      this.sendStatus();
      if (wasRunning && this.pauseRequests === pausesBefore) this.play();
      else await this.previewIfStale();
    });
  }
}
