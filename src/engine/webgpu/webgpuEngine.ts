// The WebGPU engine: the engine contract computed in WGSL compute shaders, matching the CPU reference.
// One command encoder and one submit per training step; no readback inside a step; pipelines built once per
// model, buffers and bind groups once per batch shape (T, B) from the workspace table (src/core/workspace.ts).
// This file holds the contract's calls, the pipelines and the parameters; stepRecorder.ts records the
// dispatches and metricsDecoder.ts decodes what comes back. Shape legend: B batch, T steps, X input, H hidden,
// Y output, G gates, L layers, P parameters.
import { validateBatch, type Batch } from '../../core/batch';
import { checkShapes } from '../../core/inspect/connectivity';
import { lossDivisor, lossSelection } from '../../core/loss';
import { slotCount, type OptimizerKind } from '../../core/optim';
import { findTensor, paramLayout, validateSpec, type ModelSpec } from '../../core/spec';
import { tbpttChunks } from '../../core/tbptt';
import { cellTraits, largestBuffer, metricsLayout, workspaceDims } from '../../core/workspace';
import type { Checkpoint, Engine, EngineStats, ForwardResult, StepOptions, StepResult } from '../engine';
import { allocateBuffers, releaseBuffers, writeArray, type BufferSet } from './buffers';
import { acquireDevice, type GpuContext } from './device';
import { DispatchCounter } from './kernels/kernel';
import { kernelProfile, type ProfileName } from './kernels/profile';
import { recurrentShape } from './kernels/recurrent';
import { checkpointReadback, checkpointRows, checkpointToState, decodeCheckpoint, decodeForward, decodeStep, forwardReadback } from './metricsDecoder';
import { createKernels, layerTensors, paramFlags, type GpuModel } from './pipelines';
import { checkBufferLimit, checkModelLimits } from './limits';
import { KernelProfiler } from './profiler';
import { GpuResources } from './resources';
import { StagingRing, type Readback } from './staging';
import { StepRecorder } from './stepRecorder';
import { UniformArena } from './uniforms';

export interface WebGpuEngineOptions {
  /** navigator.gpu in a browser, nodeGpu() in Node. Defaults to navigator.gpu. */
  gpu?: GPU;
  /** Share one device between engines (tests, the auto chooser); the engine then never destroys it. */
  context?: GpuContext;
  /** Hand the given context's device to the engine: dispose() destroys it. */
  ownsContext?: boolean;
  /** Called once when the device is lost; the Trainer falls back to the CPU engine from its last checkpoint. */
  onLost?: (message: string) => void;
  /** Force the kernel sizing (tests cover both); by default 'software' on software adapters, else 'gpu'. */
  profile?: ProfileName;
  /** Keep the recurrent state in storage even where it fits workgroup memory (tests cover that path). */
  globalState?: boolean;
  /** false: never use the `subgroups` feature even where the adapter has it (tests cover both paths). */
  subgroups?: boolean;
  /** Time every kernel with timestamp queries (the benchmark's --profile); slower, for measurement only. */
  timeKernels?: boolean;
}

/** The buffers and recorder of one batch shape. */
interface BatchWorkspace {
  T: number;
  B: number;
  buffers: BufferSet<'batch'>;
  recorder: StepRecorder;
}

/** The state carried between steps, for B rows. */
interface CarriedState {
  B: number;
  buffers: BufferSet<'state'>;
}

export class WebGpuEngine implements Engine {
  readonly kind = 'webgpu' as const;
  private ctx: GpuContext | null;
  private ownsDevice: boolean;
  private res: GpuResources | null = null;
  private arena: UniformArena | null = null;
  private staging: StagingRing | null = null;
  private counter = new DispatchCounter();
  private model: GpuModel | null = null;
  private ws: BatchWorkspace | null = null;
  private state: CarriedState | null = null;
  private carried = false; // the state buffers hold the state after the last step
  private optimizerKind: OptimizerKind | null = null;
  private lostMessage: string | null = null;
  private disposed = false;
  private lastDispatches = 0;
  private profiler: KernelProfiler | null = null;
  private profiledSteps = 0;
  private static nextId = 0;
  private readonly id = WebGpuEngine.nextId++;

  constructor(private options: WebGpuEngineOptions = {}) {
    this.ctx = options.context ?? null;
    this.ownsDevice = !options.context || options.ownsContext === true;
  }

  get description(): string {
    return this.ctx ? `WebGPU on ${this.ctx.description}` : 'WebGPU (no device yet)';
  }

  /** The device context (after init), e.g. to share it with another engine. */
  get context(): GpuContext | null {
    return this.ctx;
  }

  private async device(): Promise<GpuContext> {
    if (!this.ctx) {
      const gpu = this.options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
      this.ctx = await acquireDevice(gpu, `rnnlab-engine-${this.id}`);
    }
    const ctx = this.ctx;
    ctx.lost.then((message) => {
      if (this.disposed || this.lostMessage) return;
      this.lostMessage = message;
      this.options.onLost?.(message);
    });
    return ctx;
  }

  private usable(): { ctx: GpuContext; res: GpuResources; arena: UniformArena; staging: StagingRing; model: GpuModel } {
    if (this.lostMessage) throw new Error(this.lostMessage);
    if (this.disposed) throw new Error('engine used after dispose()');
    if (!this.ctx || !this.res || !this.arena || !this.staging || !this.model) throw new Error('engine used before init()');
    return { ctx: this.ctx, res: this.res, arena: this.arena, staging: this.staging, model: this.model };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Pipelines and parameters

  async init(spec: ModelSpec, params: Float32Array): Promise<void> {
    const problem = validateSpec(spec);
    if (problem) throw new Error(problem);
    const layout = paramLayout(spec);
    if (params.length !== layout.size) throw new Error(`expected ${layout.size} parameters for this model, got ${params.length}`);
    const ctx = await this.device();
    const { device } = ctx;
    const profile = kernelProfile(this.options.profile ?? (ctx.software ? 'software' : 'gpu'), ctx.hasSubgroups && this.options.subgroups !== false);
    const shape = recurrentShape(spec, device.limits.maxComputeInvocationsPerWorkgroup, profile, device.limits.maxComputeWorkgroupStorageSize, this.options.globalState);
    checkModelLimits(spec, layout, shape, device.limits);

    this.releaseModel();
    this.disposed = false;
    const label = `rnnlab-${this.id}`;
    const res = new GpuResources(device, label);
    this.res = res;
    this.arena = new UniformArena(res);
    this.staging = new StagingRing(res);
    const P = layout.size;
    const cell = cellTraits(spec);

    device.pushErrorScope('validation');
    const kernels = await createKernels(device, this.arena, this.counter, label, spec, cell, profile, shape);
    const buffers = allocateBuffers(res, 'model', workspaceDims(spec, 0, 0, P, profile.parameterWorkgroups(P)));
    writeArray(device.queue, buffers.params, params);
    writeArray(device.queue, buffers.flags, paramFlags(layout));
    const model: GpuModel = {
      spec, cell, profile, layout, P, shape,
      layers: layerTensors(spec, layout),
      headWOff: findTensor(layout, 'head_weight', -1)!.offset,
      headBOff: findTensor(layout, 'head_bias', -1)!.offset,
      buffers,
      kernels,
      partialsGroup: kernels.partials.bind('partials', { params: buffers.params, grads: buffers.grads, flags: buffers.flags, partials: buffers.partials }),
    };
    const error = await device.popErrorScope();
    if (error) {
      res.releaseAll();
      throw new Error(`WebGPU rejected the model's pipelines: ${error.message}`);
    }
    this.model = model;
    if (this.options.timeKernels && ctx.hasTimestamps) this.profiler = new KernelProfiler(device, res);
    this.profiledSteps = 0;
    this.ws = null;
    this.state = null;
    this.carried = false;
    this.optimizerKind = null;
  }

  /** The buffers and bind groups of the batch shape (T, B), remade when it changes. */
  private workspaceFor(T: number, B: number): BatchWorkspace {
    if (this.ws && this.ws.T === T && this.ws.B === B) return this.ws;
    const { ctx, res, model } = this.usable();
    if (this.ws) releaseBuffers(res, 'batch', this.ws.buffers);
    this.ws = null;
    const dims = workspaceDims(model.spec, T, B, model.P, model.profile.parameterWorkgroups(model.P));
    checkBufferLimit('activations', largestBuffer(dims, ['batch']).bytes, ctx.device.limits);
    const buffers = allocateBuffers(res, 'batch', dims);
    this.ws = { T, B, buffers, recorder: new StepRecorder(model, T, B, buffers) };
    return this.ws;
  }

  /** The carried-state buffers for B rows; a new B forgets the carried state. */
  private stateFor(B: number): CarriedState {
    if (this.state && this.state.B === B) return this.state;
    const { res, model } = this.usable();
    if (this.state) releaseBuffers(res, 'state', this.state.buffers);
    this.state = { B, buffers: allocateBuffers(res, 'state', workspaceDims(model.spec, 0, B, model.P, 1)) };
    this.carried = false;
    return this.state;
  }

  /** The state a step starts from: the carried one when asked for and there is one for B rows, else zeros. */
  private startState(B: number, carry: boolean): BufferSet<'state'> | null {
    // Only a carrying step touches the state buffers: a forward or an inspection of another batch shape must
    // not drop the training state.
    if (!carry) return null;
    const st = this.stateFor(B);
    return this.carried ? st.buffers : null;
  }

  /** Submits `encoder` with the uploaded uniforms and reads `pieces` back, concatenated. */
  private async submitAndRead(encoder: GPUCommandEncoder, pieces: readonly Readback[], afterSubmit?: () => Promise<void>): Promise<Float32Array> {
    const { ctx, arena, staging } = this.usable();
    arena.upload(ctx.device.queue);
    const all = await staging.submitAndRead(ctx.device.queue, encoder, pieces, afterSubmit);
    if (this.lostMessage) throw new Error(this.lostMessage);
    return all;
  }

  /** Reads `pieces` (nothing recorded before them) into one array each. */
  private async readPieces(pieces: readonly Readback[]): Promise<Float32Array[]> {
    const { ctx, staging } = this.usable();
    const all = await staging.submitAndRead(ctx.device.queue, ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:read` }), pieces);
    if (this.lostMessage) throw new Error(this.lostMessage);
    let at = 0;
    return pieces.map((p) => all.slice(at, (at += p.floats)));
  }

  // ---------------------------------------------------------------------------------------------------------
  // The contract

  async step(batch: Batch, opts: StepOptions, wantGrads = false): Promise<StepResult> {
    const { ctx, arena, model } = this.usable();
    const { spec, P, buffers: mb } = model;
    const problem = validateBatch(batch, spec.outputSize);
    if (problem) throw new Error(problem);
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    const { T, B } = batch;
    const ws = this.workspaceFor(T, B);
    const device = ctx.device;

    const selected = lossSelection(batch);
    const chunks = tbpttChunks(T, opts.bptt).map((c) => ({ ...c, count: lossDivisor(selected, batch, spec.outputSize, c.s, c.e) }));
    const encoder = device.createCommandEncoder({ label: `rnnlab-${this.id}:step` });
    if (this.optimizerKind !== opts.optimizer.kind) {
      // A fresh optimiser, as torch.optim would make: zero slots and step count.
      encoder.clearBuffer(mb.slot0);
      encoder.clearBuffer(mb.slot1);
      encoder.clearBuffer(mb.counter);
      this.optimizerKind = opts.optimizer.kind;
    }
    const q = device.queue;
    writeArray(q, ws.buffers.x, batch.x);
    if (batch.loss === 'mse' && batch.y) writeArray(q, ws.buffers.targets, batch.y);
    if (batch.loss === 'xent' && batch.labels) writeArray(q, ws.buffers.labels, batch.labels);
    writeArray(q, ws.buffers.selected, selected);
    ws.recorder.recordStartState(encoder, this.startState(B, opts.carryState));
    // The profile is the backward window of the last chunk with a scored step; with none the gradient is zero.
    const profiled = chunks.map((c) => c.count > 0).lastIndexOf(true);
    encoder.clearBuffer(ws.buffers.metrics);
    if (wantGrads && profiled < 0) encoder.clearBuffer(mb.grads);

    arena.reset();
    arena.reserve(ws.recorder.uniformSlots(chunks.length));
    this.counter.dispatches = 0;
    const pass = this.profiler ? this.profiler.pass(encoder) : encoder.beginComputePass({ label: `rnnlab-${this.id}:step-pass` });
    ws.recorder.recordChunks(pass, chunks, profiled, batch, opts, wantGrads);
    pass.end();
    this.lastDispatches = Math.round(this.counter.dispatches);
    ws.recorder.recordEndState(encoder, this.stateFor(B).buffers);
    this.carried = true;

    // The chunk records, the norms and (when asked) the gradient, read back asynchronously.
    const pieces: Readback[] = [{ src: ws.buffers.metrics, off: 0, floats: metricsLayout(T, spec.numLayers).floats }];
    if (wantGrads) pieces.push({ src: mb.grads, off: 0, floats: P });
    const m = await this.submitAndRead(encoder, pieces, async () => {
      if (!this.profiler) return;
      await this.profiler.collect();
      this.profiledSteps++;
    });
    return decodeStep(m, chunks, spec, model.cell, T, P, opts.update, wantGrads);
  }

  async forward(batch: Batch): Promise<ForwardResult> {
    const { ctx, arena, model } = this.usable();
    const { spec } = model;
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    if (batch.x.length !== batch.T * batch.B * batch.X) throw new Error(`x has ${batch.x.length} numbers, expected T·B·X = ${batch.T * batch.B * batch.X}`);
    const { T, B } = batch;
    const ws = this.workspaceFor(T, B);
    writeArray(ctx.device.queue, ws.buffers.x, batch.x);
    const encoder = ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:forward` });
    ws.recorder.recordStartState(encoder, null);
    arena.reset();
    arena.reserve(4 + 3 * spec.numLayers);
    const pass = encoder.beginComputePass({ label: `rnnlab-${this.id}:forward-pass` });
    ws.recorder.recordForward(pass, 0, T);
    pass.end();
    const all = await this.submitAndRead(encoder, forwardReadback(ws.buffers, spec, model.cell, T, B));
    return decodeForward(all, spec, model.cell, T, B);
  }

  async inputGradientNorms(x: Float32Array, dOut: Float32Array, T: number, R: number): Promise<Float32Array> {
    const { ctx, arena, model } = this.usable();
    checkShapes(model.spec, x, dOut, T, R);
    const ws = this.workspaceFor(T, R);
    writeArray(ctx.device.queue, ws.buffers.x, x);
    writeArray(ctx.device.queue, ws.buffers.dOut, dOut);
    const encoder = ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:input-gradients` });
    ws.recorder.recordStartState(encoder, null);
    arena.reset();
    arena.reserve(8 + 6 * model.spec.numLayers);
    const pass = encoder.beginComputePass({ label: `rnnlab-${this.id}:input-gradients-pass` });
    ws.recorder.recordInputGradients(pass);
    pass.end();
    return this.submitAndRead(encoder, [{ src: ws.buffers.dxNorms, off: 0, floats: T * R }]);
  }

  async readParams(): Promise<Float32Array> {
    const { model } = this.usable();
    const [p] = await this.readPieces([{ src: model.buffers.params, off: 0, floats: model.P }]);
    return p;
  }

  async writeParams(params: Float32Array): Promise<void> {
    const { ctx, model } = this.usable();
    if (params.length !== model.P) throw new Error(`expected ${model.P} parameters, got ${params.length}`);
    writeArray(ctx.device.queue, model.buffers.params, params);
  }

  async readCheckpoint(): Promise<Checkpoint> {
    const { model } = this.usable();
    const slots = this.optimizerKind ? slotCount(this.optimizerKind) : 0;
    const state = this.carried ? this.state : null;
    const parts = await this.readPieces(checkpointReadback(model, slots, state));
    return decodeCheckpoint(parts, model.spec, this.optimizerKind, slots, state?.B ?? null);
  }

  async writeCheckpoint(cp: Checkpoint): Promise<void> {
    await this.init(cp.spec, cp.params);
    const { ctx, model } = this.usable();
    const q = ctx.device.queue;
    const { spec, buffers: mb } = model;
    this.optimizerKind = cp.optimizer.kind;
    const encoder = ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:write-checkpoint` });
    encoder.clearBuffer(mb.slot0);
    encoder.clearBuffer(mb.slot1);
    q.submit([encoder.finish()]);
    cp.optimizer.slots.forEach((s, i) => writeArray(q, [mb.slot0, mb.slot1][i], s));
    writeArray(q, mb.counter, new Float32Array([cp.optimizer.step]));
    if (cp.state.length !== spec.numLayers) return;
    const B = checkpointRows(cp.state[0], spec);
    const st = this.stateFor(B).buffers;
    cp.state.forEach((flat, l) => {
      for (const { name, data } of checkpointToState(flat, spec, B)) writeArray(q, st[name][l], data);
    });
    this.carried = true;
  }

  resetState(optimizer = false): void {
    this.carried = false;
    if (optimizer) this.optimizerKind = null; // the next step clears slots and the step count
  }

  stats(): EngineStats {
    return { dispatchesPerStep: this.lastDispatches, submitsPerStep: 1 };
  }

  /** With timeKernels: mean milliseconds per step of each kernel so far (null when not timing). */
  kernelTimes(): Record<string, number> | null {
    return this.profiler ? this.profiler.report(Math.max(1, this.profiledSteps)) : null;
  }

  /** Every buffer the model made (the table's, staging, uniforms, timing) goes with its GpuResources. */
  private releaseModel(): void {
    this.profiler?.destroy();
    this.profiler = null;
    this.res?.releaseAll();
    this.res = null;
    this.arena = null;
    this.staging = null;
    this.model = null;
    this.ws = null;
    this.state = null;
    this.carried = false;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseModel();
    if (this.ownsDevice && this.ctx) this.ctx.device.destroy();
  }
}
