// The WebGPU engine: the engine contract computed in WGSL compute shaders, matching the CPU reference.
// One command encoder and one submit per training step; no readback inside a step; pipelines and bind groups
// built once per model (and per batch shape). Metrics are reduced on the GPU and read back through a ring of
// staging buffers. Shape legend: B batch, T steps, X input, H hidden, Y output, G gates, L layers.
import { validateBatch, type Batch } from '../../core/batch';
import { lossDivisor, lossSelection } from '../../core/loss';
import { tbpttChunks } from '../../core/tbptt';
import { checkShapes } from '../../core/inspect/connectivity';
import { slotCount, type OptimizerKind } from '../../core/optim';
import { findTensor, gateCount, lstmFlags, paramLayout, validateSpec, type ModelSpec, type ParamLayout, type TensorInfo } from '../../core/spec';
import type { Checkpoint, Engine, EngineStats, ForwardResult, StepOptions, StepResult } from '../engine';
import { acquireDevice, type GpuContext } from './device';
import { GemmKernel, rowMajor, transposed } from './kernels/gemm';
import { DispatchCounter } from './kernels/kernel';
import { LossKernel } from './kernels/loss';
import { LstmParamGradKernel } from './kernels/lstmGrads';
import { OmegaKernel } from './kernels/omega';
import { OptimizerKernel } from './kernels/optimizer';
import { RecurrentBackwardKernel, RecurrentForwardKernel, recurrentShape, type LayerOffsets, type RecurrentShape } from './kernels/recurrent';
import { kernelProfile, type KernelProfile, type ProfileName } from './kernels/profile';
import { FinalizeKernel, GradPartialsKernel, StepNormsKernel } from './kernels/reductions';
import { RowNormsKernel } from './kernels/rowNorms';
import { GpuResources } from './resources';
import { KernelProfiler } from './profiler';
import { StagingRing } from './staging';
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

const TRAINABLE = 1;
const L2_MATRIX = 2;
const L2_ROLES = new Set<TensorInfo['role']>(['weight_ih', 'weight_hh', 'weight_gg', 'head_weight']);
const CHUNK_RECORD = 8; // floats per chunk in the metrics buffer (finalize.wgsl)

interface Kernels {
  gemm: GemmKernel;
  forward: RecurrentForwardKernel;
  backward: RecurrentBackwardKernel;
  backwardOmega: RecurrentBackwardKernel | null;
  loss: LossKernel;
  peepholes: LstmParamGradKernel | null;
  gateRecurrence: LstmParamGradKernel | null;
  omega: OmegaKernel | null;
  norms: StepNormsKernel;
  partials: GradPartialsKernel;
  finalize: FinalizeKernel;
  optimizer: OptimizerKernel;
  rowNorms: RowNormsKernel;
}

/** Where each layer's tensors sit in the flat parameter (and gradient) buffer. */
interface LayerTensors extends LayerOffsets {
  inSize: number;
  wihOff: number;
  bihOff: number;
  trainable: boolean;
}

interface LayerBuffers {
  xp: GPUBuffer; // (T, B, G·H)
  hs: GPUBuffer; // (T+1, B, H)
  cs: GPUBuffer; // (T+1, B, H) LSTM
  acts: GPUBuffer; // (T+1, B, AW)
}

interface LayerGroups {
  inputGemm: GPUBindGroup; // A = layer input, B = params → xp
  forward: GPUBindGroup;
  backward: GPUBindGroup;
  backwardOmega: GPUBindGroup | null;
  dWih: GPUBindGroup; // A = dG, B = layer input → grads
  dWhh: GPUBindGroup; // A = dG, B = hs → grads
  dX: GPUBindGroup | null; // A = dG, B = params → dh (layer below)
  peepholes: GPUBindGroup | null;
  gateRecurrence: GPUBindGroup | null;
  omega: { coefficients: GPUBindGroup; gradient: GPUBindGroup } | null;
}

/** Everything that depends on the batch shape (T, B); rebuilt when it changes. */
interface Workspace {
  T: number;
  B: number;
  x: GPUBuffer; // (T, B, X)
  targets: GPUBuffer; // (T, B, Y)
  labels: GPUBuffer; // (T, B) i32
  selected: GPUBuffer; // (T, B) 1 where the step's loss counts
  out: GPUBuffer; // (T, B, Y)
  dOut: GPUBuffer; // (T, B, Y)
  rowLoss: GPUBuffer; // (T, B)
  dG: GPUBuffer; // (T, B, G·H), GRU: twice (input side, then recurrent side)
  dh: GPUBuffer; // (L, T, B, H)
  dc: GPUBuffer; // (L, T, B, H)
  dx: GPUBuffer; // (T, B, X) input gradients (connectivity)
  dxNorms: GPUBuffer; // (T, B) their squared norms
  omegaV: GPUBuffer; // (T, B, H)
  omegaTerms: GPUBuffer; // (2, L, T, B) weighted Ω terms, then gradient coefficients
  metrics: GPUBuffer; // chunk records (T, 8) then norms (2, L, T)
  layers: LayerBuffers[];
  groups: {
    layers: LayerGroups[];
    head: GPUBindGroup;
    loss: GPUBindGroup;
    dWhead: GPUBindGroup;
    dhTop: GPUBindGroup;
    dInput: GPUBindGroup; // A = layer 0's dG, B = params → dx
    inputNorms: GPUBindGroup; // dx → dxNorms
    norms: GPUBindGroup;
    finalize: GPUBindGroup;
    optimizer: GPUBindGroup;
  };
}

/** Carried state per layer (B rows): h, c and (FGR) the previous i, f, o in the acts layout. */
interface StateBuffers {
  B: number;
  h: GPUBuffer[]; // (B, H)
  c: GPUBuffer[]; // (B, H)
  a: GPUBuffer[]; // (B, AW)
}

interface Model {
  spec: ModelSpec;
  profile: KernelProfile;
  layout: ParamLayout;
  P: number;
  G: number;
  shape: RecurrentShape;
  layers: LayerTensors[];
  headWOff: number;
  headBOff: number;
  params: GPUBuffer;
  grads: GPUBuffer;
  flags: GPUBuffer; // (P) u32: TRAINABLE | L2_MATRIX
  slots: [GPUBuffer, GPUBuffer];
  partials: GPUBuffer; // (NWG, 4)
  counter: GPUBuffer; // [optimiser updates]
  dummy: GPUBuffer;
  kernels: Kernels;
  partialsGroup: GPUBindGroup;
}

export class WebGpuEngine implements Engine {
  readonly kind = 'webgpu' as const;
  private ctx: GpuContext | null;
  private ownsDevice: boolean;
  private res: GpuResources | null = null;
  private arena: UniformArena | null = null;
  private staging: StagingRing | null = null;
  private counter = new DispatchCounter();
  private model: Model | null = null;
  private ws: Workspace | null = null;
  private state: StateBuffers | null = null;
  private carried = false; // state buffers hold the state after the last step
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

  private usable(): { ctx: GpuContext; res: GpuResources; arena: UniformArena; staging: StagingRing; model: Model } {
    if (this.lostMessage) throw new Error(this.lostMessage);
    if (this.disposed) throw new Error('engine used after dispose()');
    if (!this.ctx || !this.res || !this.arena || !this.staging || !this.model) throw new Error('engine used before init()');
    return { ctx: this.ctx, res: this.res, arena: this.arena, staging: this.staging, model: this.model };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Model setup

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
    const res = new GpuResources(device, `rnnlab-${this.id}`);
    this.res = res;
    this.arena = new UniformArena(res);
    this.staging = new StagingRing(res);
    const arena = this.arena;
    const counter = this.counter;
    const label = `rnnlab-${this.id}`;
    const P = layout.size;
    const G = gateCount(spec.cell);
    const H = spec.hiddenSize;
    const omegaCapable = spec.cell === 'rnn_tanh' || spec.cell === 'rnn_relu';
    const flags = spec.cell === 'lstm' ? lstmFlags(spec.variant) : null;

    device.pushErrorScope('validation');
    const [gemm, forward, backward, backwardOmega, loss, peepholes, gateRecurrence, omega, norms, partials, finalize, optimizer, rowNorms] = await Promise.all([
      GemmKernel.create(device, arena, counter, label, profile.gemm),
      RecurrentForwardKernel.create(device, arena, counter, label, spec, shape),
      RecurrentBackwardKernel.create(device, arena, counter, label, spec, shape, false),
      omegaCapable ? RecurrentBackwardKernel.create(device, arena, counter, label, spec, shape, true) : Promise.resolve(null),
      LossKernel.create(device, arena, counter, label),
      flags?.peepholes ? LstmParamGradKernel.create(device, arena, counter, label, H, 'peepholes') : Promise.resolve(null),
      flags?.fullGateRecurrence ? LstmParamGradKernel.create(device, arena, counter, label, H, 'gateRecurrence') : Promise.resolve(null),
      omegaCapable ? OmegaKernel.create(device, arena, counter, label, H) : Promise.resolve(null),
      StepNormsKernel.create(device, arena, counter, label, profile),
      GradPartialsKernel.create(device, arena, counter, label, profile),
      FinalizeKernel.create(device, arena, counter, label, profile),
      OptimizerKernel.create(device, arena, counter, label, profile),
      RowNormsKernel.create(device, arena, counter, label),
    ]);
    const kernels: Kernels = { gemm, forward, backward, backwardOmega, loss, peepholes, gateRecurrence, omega, norms, partials, finalize, optimizer, rowNorms };

    const layers: LayerTensors[] = [];
    for (let l = 0; l < spec.numLayers; l++) {
      const t = (role: TensorInfo['role']) => findTensor(layout, role, l);
      layers.push({
        inSize: l === 0 ? spec.inputSize : H,
        wihOff: t('weight_ih')!.offset,
        bihOff: t('bias_ih')!.offset,
        whhOff: t('weight_hh')!.offset,
        bhhOff: t('bias_hh')!.offset,
        peepOff: t('peephole')?.offset ?? 0,
        wggOff: t('weight_gg')?.offset ?? 0,
        trainable: t('weight_hh')!.trainable,
      });
    }
    const flagWords = new Uint32Array(P);
    for (const t of layout.tensors) {
      const f = (t.trainable ? TRAINABLE : 0) | (t.trainable && L2_ROLES.has(t.role) ? L2_MATRIX : 0);
      flagWords.fill(f, t.offset, t.offset + t.size);
    }
    const paramsBuf = res.storage('params', P);
    const gradsBuf = res.storage('grads', P);
    const flagsBuf = res.storage('param-flags', P);
    const partialsBuf = res.storage('grad-partials', profile.parameterWorkgroups(P) * 4);
    writeArray(device.queue, paramsBuf, params);
    writeArray(device.queue, flagsBuf, flagWords);
    const model: Model = {
      spec, profile, layout, P, G, shape, layers,
      headWOff: findTensor(layout, 'head_weight', -1)!.offset,
      headBOff: findTensor(layout, 'head_bias', -1)!.offset,
      params: paramsBuf,
      grads: gradsBuf,
      flags: flagsBuf,
      slots: [res.storage('optimizer-slot0', P), res.storage('optimizer-slot1', P)],
      partials: partialsBuf,
      counter: res.storage('optimizer-step', 4),
      dummy: res.storage('unused-binding', 4),
      kernels,
      partialsGroup: kernels.partials.bind('partials', [paramsBuf, gradsBuf, flagsBuf, partialsBuf]),
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

  // ---------------------------------------------------------------------------------------------------------
  // Buffers that depend on the batch shape

  private workspaceFor(T: number, B: number): Workspace {
    if (this.ws && this.ws.T === T && this.ws.B === B) return this.ws;
    const { ctx, res, model } = this.usable();
    if (this.ws) this.releaseWorkspace(this.ws);
    const { spec, G, shape } = model;
    const { inputSize: X, hiddenSize: H, outputSize: Y, numLayers: L } = spec;
    const GH = G * H;
    const lstm = spec.cell === 'lstm';
    const gru = spec.cell === 'gru';
    const largest = Math.max((gru ? 2 : 1) * T * B * GH, L * T * B * H, (T + 1) * B * shape.AW, T * B * Math.max(X, Y));
    checkBufferLimit('activations', largest * 4, ctx.device.limits);

    const layers: LayerBuffers[] = [];
    for (let l = 0; l < L; l++) {
      layers.push({
        xp: res.storage(`xp-l${l}`, T * B * GH),
        hs: res.storage(`hs-l${l}`, (T + 1) * B * H),
        cs: res.storage(`cs-l${l}`, lstm ? (T + 1) * B * H : 1),
        acts: res.storage(`acts-l${l}`, (T + 1) * B * shape.AW),
      });
    }
    const ws = {
      T, B,
      x: res.storage('x', T * B * X),
      targets: res.storage('targets', T * B * Y),
      labels: res.storage('labels', T * B),
      selected: res.storage('loss-selected', T * B),
      out: res.storage('outputs', T * B * Y),
      dOut: res.storage('d-outputs', T * B * Y),
      rowLoss: res.storage('row-loss', T * B),
      dG: res.storage('d-gates', (gru ? 2 : 1) * T * B * GH),
      dh: res.storage('d-hidden', L * T * B * H),
      dc: res.storage('d-cell', lstm ? L * T * B * H : 1),
      dx: res.storage('d-inputs', T * B * X),
      dxNorms: res.storage('d-input-norms', T * B),
      omegaV: res.storage('omega-v', model.kernels.omega ? T * B * H : 1),
      omegaTerms: res.storage('omega-terms', model.kernels.omega ? 2 * L * T * B : 1),
      metrics: res.storage('metrics', T * CHUNK_RECORD + 2 * L * T),
      layers,
    } as Omit<Workspace, 'groups'>;

    const k = model.kernels;
    const top = layers[L - 1];
    const layerGroups: LayerGroups[] = layers.map((lb, l) => {
      const input = l === 0 ? ws.x : layers[l - 1].hs;
      return {
        inputGemm: k.gemm.bind(`xp-l${l}`, [input, model.params, model.params, lb.xp]),
        forward: k.forward.bind(`forward-l${l}`, [model.params, lb.xp, lb.hs, lb.cs, lb.acts, model.params]),
        backward: k.backward.bind(`backward-l${l}`, [model.params, model.params, lb.hs, lb.cs, lb.acts, ws.dh, ws.dc, ws.dG]),
        backwardOmega: k.backwardOmega ? k.backwardOmega.bind(`backward-omega-l${l}`, [model.params, model.params, lb.hs, lb.cs, lb.acts, ws.dh, ws.omegaV, ws.dG]) : null,
        dWih: k.gemm.bind(`dWih-l${l}`, [ws.dG, input, model.params, model.grads]),
        dWhh: k.gemm.bind(`dWhh-l${l}`, [ws.dG, lb.hs, model.params, model.grads]),
        dX: l > 0 ? k.gemm.bind(`dX-l${l}`, [ws.dG, model.params, model.params, ws.dh]) : null,
        peepholes: k.peepholes ? k.peepholes.bind(`peephole-grads-l${l}`, [ws.dG, lb.cs, lb.acts, model.grads]) : null,
        gateRecurrence: k.gateRecurrence ? k.gateRecurrence.bind(`wgg-grads-l${l}`, [ws.dG, lb.cs, lb.acts, model.grads]) : null,
        omega: k.omega ? k.omega.bind(`omega-l${l}`, [model.params, ws.dh, ws.dG, ws.omegaV, ws.omegaTerms, model.grads]) : null,
      };
    });
    const full: Workspace = {
      ...ws,
      groups: {
        layers: layerGroups,
        head: k.gemm.bind('head', [top.hs, model.params, model.params, ws.out]),
        loss: k.loss.bind('loss', [ws.out, ws.targets, ws.labels, ws.selected, ws.dOut, ws.rowLoss]),
        dWhead: k.gemm.bind('dWhead', [ws.dOut, top.hs, model.params, model.grads]),
        dhTop: k.gemm.bind('dhTop', [ws.dOut, model.params, model.params, ws.dh]),
        dInput: k.gemm.bind('dInput', [ws.dG, model.params, model.params, ws.dx]),
        inputNorms: k.rowNorms.bind('input-norms', [ws.dx, ws.dxNorms]),
        norms: k.norms.bind('norms', [ws.dh, ws.dc, ws.metrics]),
        finalize: k.finalize.bind('finalize', [model.partials, ws.rowLoss, ws.omegaTerms, ws.metrics, model.counter]),
        optimizer: k.optimizer.bind('optimizer', [model.params, model.grads, model.flags, model.slots[0], model.slots[1], ws.metrics, model.counter]),
      },
    };
    this.ws = full;
    return full;
  }

  private releaseWorkspace(ws: Workspace): void {
    const res = this.res!;
    for (const b of [ws.x, ws.targets, ws.labels, ws.selected, ws.out, ws.dOut, ws.rowLoss, ws.dG, ws.dh, ws.dc, ws.dx, ws.dxNorms, ws.omegaV, ws.omegaTerms, ws.metrics]) res.release(b);
    for (const l of ws.layers) for (const b of [l.xp, l.hs, l.cs, l.acts]) res.release(b);
    if (this.ws === ws) this.ws = null;
  }

  private stateFor(B: number): StateBuffers {
    if (this.state && this.state.B === B) return this.state;
    const { res, model } = this.usable();
    if (this.state) this.releaseState(this.state);
    const H = model.spec.hiddenSize;
    const lstm = model.spec.cell === 'lstm';
    const range = Array.from({ length: model.spec.numLayers }, (_, l) => l);
    this.state = {
      B,
      h: range.map((l) => res.storage(`state-h-l${l}`, B * H)),
      c: range.map((l) => res.storage(`state-c-l${l}`, lstm ? B * H : 1)),
      a: range.map((l) => res.storage(`state-a-l${l}`, B * model.shape.AW)),
    };
    this.carried = false;
    return this.state;
  }

  private releaseState(s: StateBuffers): void {
    for (const b of [...s.h, ...s.c, ...s.a]) this.res!.release(b);
    if (this.state === s) this.state = null;
  }

  /** Slot 0 of hs/cs/acts = the carried state (or zeros). */
  private recordStartState(encoder: GPUCommandEncoder, ws: Workspace, carry: boolean): void {
    const { model } = this.usable();
    const H = model.spec.hiddenSize;
    const B = ws.B;
    // Only a carrying step touches the state buffers: a forward or an inspection of another batch shape must
    // not drop the training state.
    const st = carry ? this.stateFor(B) : null; // stateFor forgets the carried state when B changed
    const from = st && this.carried ? st : null;
    ws.layers.forEach((lb, l) => {
      const parts: [GPUBuffer, GPUBuffer | undefined, number][] = [[lb.hs, from?.h[l], B * H * 4], [lb.acts, from?.a[l], B * model.shape.AW * 4]];
      if (model.spec.cell === 'lstm') parts.push([lb.cs, from?.c[l], B * H * 4]);
      for (const [dst, src, bytes] of parts) {
        if (src) encoder.copyBufferToBuffer(src, 0, dst, 0, bytes);
        else encoder.clearBuffer(dst, 0, bytes);
      }
    });
  }

  /** The state after the last step of the batch becomes the carried state. */
  private recordEndState(encoder: GPUCommandEncoder, ws: Workspace): void {
    const { model } = this.usable();
    const H = model.spec.hiddenSize;
    const { T, B } = ws;
    const st = this.stateFor(B);
    ws.layers.forEach((lb, l) => {
      encoder.copyBufferToBuffer(lb.hs, T * B * H * 4, st.h[l], 0, B * H * 4);
      encoder.copyBufferToBuffer(lb.acts, T * B * model.shape.AW * 4, st.a[l], 0, B * model.shape.AW * 4);
      if (model.spec.cell === 'lstm') encoder.copyBufferToBuffer(lb.cs, T * B * H * 4, st.c[l], 0, B * H * 4);
    });
    this.carried = true;
  }

  private uploadBatch(ws: Workspace, batch: Batch, selected: Float32Array): void {
    const { ctx } = this.usable();
    const q = ctx.device.queue;
    writeArray(q, ws.x, batch.x);
    if (batch.loss === 'mse' && batch.y) writeArray(q, ws.targets, batch.y);
    if (batch.loss === 'xent' && batch.labels) writeArray(q, ws.labels, batch.labels);
    writeArray(q, ws.selected, selected);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Recording

  /** Forward over steps [s, e): every layer's input GEMM and fused recurrence, then the head. */
  private recordForward(pass: GPUComputePassEncoder, ws: Workspace, s: number, e: number): void {
    const { model } = this.usable();
    const { spec, G, kernels: k } = model;
    const { B } = ws;
    const H = spec.hiddenSize;
    const GH = G * H;
    const rows = (e - s) * B;
    model.layers.forEach((lt, l) => {
      const I = lt.inSize;
      const inOff = l === 0 ? 0 : B * H; // the layer below's hs: skip its slot 0 (the state before step 0)
      k.gemm.record(pass, ws.groups.layers[l].inputGemm, {
        M: rows, N: GH, K: I, a: rowMajor(inOff + s * B * I, I), b: transposed(lt.wihOff, I), cOff: s * B * GH, cRowStride: GH, biasOff: lt.bihOff,
      });
      k.forward.record(pass, ws.groups.layers[l].forward, B, s, e, lt);
    });
    k.gemm.record(pass, ws.groups.head, {
      M: rows, N: spec.outputSize, K: H, a: rowMajor((s + 1) * B * H, H), b: transposed(model.headWOff, H), cOff: s * B * spec.outputSize, cRowStride: spec.outputSize, biasOff: model.headBOff,
    });
  }

  /**
   * Backprop through the window [w0, e): head gradients, each layer's fused reverse recurrence, weight GEMMs.
   * paramGrads = false skips every parameter-gradient product (the input-gradient view wants only dG).
   */
  private recordBackward(pass: GPUComputePassEncoder, ws: Workspace, w0: number, e: number, omega: number, paramGrads = true): number {
    const { model } = this.usable();
    const { spec, G, kernels: k } = model;
    const { T, B } = ws;
    const { hiddenSize: H, outputSize: Y, numLayers: L } = spec;
    const GH = G * H;
    const rows = (e - w0) * B;
    const dOff = (l: number) => l * T * B * H;
    const dghOff = spec.cell === 'gru' ? T * B * GH : 0;
    const topHs = (w0 + 1) * B * H;
    if (paramGrads) k.gemm.record(pass, ws.groups.dWhead, { M: Y, N: H, K: rows, a: transposed(w0 * B * Y, Y), b: rowMajor(topHs, H), cOff: model.headWOff, cRowStride: H, rowSumOff: model.headBOff });
    k.gemm.record(pass, ws.groups.dhTop, { M: rows, N: H, K: Y, a: rowMajor(w0 * B * Y, Y), b: rowMajor(model.headWOff, H), cOff: dOff(L - 1) + w0 * B * H, cRowStride: H });
    let omegaRows = 0;
    for (let l = L - 1; l >= 0; l--) {
      const lt = model.layers[l];
      const g = ws.groups.layers[l];
      const withOmega = omega > 0 && k.omega !== null && k.backwardOmega !== null;
      if (withOmega) k.backwardOmega!.record(pass, g.backwardOmega!, B, w0, e, lt, dOff(l), dghOff);
      else k.backward.record(pass, g.backward, B, w0, e, lt, dOff(l), dghOff);
      if (lt.trainable && paramGrads) {
        const I = lt.inSize;
        const inOff = l === 0 ? 0 : B * H;
        k.gemm.record(pass, g.dWih, { M: GH, N: I, K: rows, a: transposed(w0 * B * GH, GH), b: rowMajor(inOff + w0 * B * I, I), cOff: lt.wihOff, cRowStride: I, rowSumOff: lt.bihOff });
        k.gemm.record(pass, g.dWhh, { M: GH, N: H, K: rows, a: transposed(dghOff + w0 * B * GH, GH), b: rowMajor(w0 * B * H, H), cOff: lt.whhOff, cRowStride: H, rowSumOff: lt.bhhOff });
        if (k.peepholes) k.peepholes.record(pass, g.peepholes!, B, w0, e, lt.peepOff);
        if (k.gateRecurrence) k.gateRecurrence.record(pass, g.gateRecurrence!, B, w0, e, lt.wggOff);
        if (withOmega) {
          k.omega!.record(pass, g.omega!, { T, B, L, layer: l, w0, t1: e, weight: omega, whhOff: lt.whhOff, dOff: dOff(l) });
          omegaRows = L * T * B;
        }
      }
      if (l > 0) {
        k.gemm.record(pass, g.dX!, { M: rows, N: H, K: GH, a: rowMajor(w0 * B * GH, GH), b: rowMajor(lt.wihOff, H), cOff: dOff(l - 1) + w0 * B * H, cRowStride: H });
      }
    }
    return omegaRows;
  }

  // ---------------------------------------------------------------------------------------------------------
  // The contract

  async step(batch: Batch, opts: StepOptions, wantGrads = false): Promise<StepResult> {
    const { ctx, arena, staging, model } = this.usable();
    const { spec, kernels: k, P } = model;
    const problem = validateBatch(batch, spec.outputSize);
    if (problem) throw new Error(problem);
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    const { T, B } = batch;
    const { outputSize: Y, numLayers: L } = spec;
    const ws = this.workspaceFor(T, B);
    const device = ctx.device;

    // Which (t, b) carry loss, and each chunk's divisor — the same selection as core/loss.ts.
    const selected = lossSelection(batch);
    const chunks = tbpttChunks(T, opts.bptt).map((c) => ({ ...c, count: lossDivisor(selected, batch, Y, c.s, c.e) }));

    const encoder = device.createCommandEncoder({ label: `rnnlab-${this.id}:step` });
    if (this.optimizerKind !== opts.optimizer.kind) {
      // A fresh optimiser, as torch.optim would make: zero slots and step count.
      encoder.clearBuffer(model.slots[0]);
      encoder.clearBuffer(model.slots[1]);
      encoder.clearBuffer(model.counter);
      this.optimizerKind = opts.optimizer.kind;
    }
    this.uploadBatch(ws, batch, selected);
    this.recordStartState(encoder, ws, opts.carryState);
    // Chunks with no scored step are skipped after their forward (the chunk rule, engine.ts StepOptions): their
    // records and the profile stay zero; with no scored chunk at all the reported gradient is zero.
    const scored = chunks.map((c, i) => (c.count > 0 ? i : -1)).filter((i) => i >= 0);
    const profiled = scored.length > 0 ? scored[scored.length - 1] : -1; // the profile: its backward window
    encoder.clearBuffer(ws.metrics);
    if (wantGrads && profiled < 0) encoder.clearBuffer(model.grads);

    arena.reset();
    arena.reserve(chunks.length * (16 + 12 * L));
    this.counter.dispatches = 0;
    const pass = this.profiler ? this.profiler.pass(encoder) : encoder.beginComputePass({ label: `rnnlab-${this.id}:step-pass` });
    const doUpdate = opts.update;
    const clipMode = opts.clip.mode;
    chunks.forEach((c, chunk) => {
      const from = c.from;
      this.recordForward(pass, ws, from, c.e);
      if (c.count === 0) return; // no scored step: no backward, no penalty, no update
      k.loss.record(pass, ws.groups.loss, { B, Y, w0: from, t0: c.s, t1: c.e, xent: batch.loss === 'xent', count: c.count });
      const omegaRows = this.recordBackward(pass, ws, c.w0, c.e, opts.penalty.omega);
      if (chunk === profiled) {
        k.norms.record(pass, ws.groups.norms, { T, B, H: spec.hiddenSize, L, t0: c.w0, t1: c.e, outOff: T * CHUNK_RECORD, withCells: spec.cell === 'lstm' });
      }
      k.partials.record(pass, model.partialsGroup, P, opts.penalty.l2, opts.clip.threshold);
      k.finalize.record(pass, ws.groups.finalize, {
        B, t0: c.s, t1: c.e, chunk, P, clipMode, doUpdate, l2: opts.penalty.l2, threshold: opts.clip.threshold, omegaRows, maxNorm: opts.maxGradNorm ?? Infinity,
      });
      if (doUpdate || wantGrads) {
        k.optimizer.record(pass, ws.groups.optimizer, { P, chunk, opt: opts.optimizer, clipMode, threshold: opts.clip.threshold, doUpdate });
      }
    });
    pass.end();
    this.lastDispatches = Math.round(this.counter.dispatches);
    this.recordEndState(encoder, ws);

    // Read back the chunk records, the norms and (when asked) the gradient, asynchronously.
    const metricFloats = T * CHUNK_RECORD + 2 * L * T;
    const readback = staging.acquire((metricFloats + (wantGrads ? P : 0)) * 4);
    encoder.copyBufferToBuffer(ws.metrics, 0, readback, 0, metricFloats * 4);
    if (wantGrads) encoder.copyBufferToBuffer(model.grads, 0, readback, metricFloats * 4, P * 4);
    arena.upload(device.queue);
    device.queue.submit([encoder.finish()]);

    if (this.profiler) {
      await this.profiler.collect();
      this.profiledSteps++;
    }
    const data = await staging.read(readback, (metricFloats + (wantGrads ? P : 0)) * 4);
    if (this.lostMessage) throw new Error(this.lostMessage);
    const m = new Float32Array(data);
    let lossSum = 0;
    let lossCount = 0;
    let penalty = 0;
    let gradNormSq = 0;
    let clipFactor = 1;
    let updates = 0;
    let finite = true;
    chunks.forEach((c, i) => {
      if (c.count === 0) return;
      const r = i * CHUNK_RECORD;
      lossSum += m[r];
      lossCount += c.count;
      penalty += m[r + 1];
      gradNormSq += m[r + 2];
      clipFactor = Math.min(clipFactor, m[r + 3]);
      const ok = m[r + 4] !== 0;
      finite &&= ok;
      const guarded = m[r + 5] !== 0;
      if (ok && doUpdate && !guarded) updates++;
    });
    const normsOff = T * CHUNK_RECORD;
    const dhNorm = Array.from({ length: L }, (_, l) => Float64Array.from(m.subarray(normsOff + l * T, normsOff + (l + 1) * T)));
    const dcNorm = spec.cell === 'lstm' ? Array.from({ length: L }, (_, l) => Float64Array.from(m.subarray(normsOff + (L + l) * T, normsOff + (L + l + 1) * T))) : undefined;
    return {
      loss: lossCount > 0 ? lossSum / lossCount : 0,
      penalty,
      gradNorm: Math.sqrt(gradNormSq),
      clipFactor,
      dhNorm,
      dcNorm,
      grads: wantGrads ? Float32Array.from(m.subarray(metricFloats, metricFloats + P)) : undefined,
      updates,
      finite,
    };
  }

  async forward(batch: Batch): Promise<ForwardResult> {
    const { ctx, arena, staging, model } = this.usable();
    const { spec } = model;
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    if (batch.x.length !== batch.T * batch.B * batch.X) throw new Error(`x has ${batch.x.length} numbers, expected T·B·X = ${batch.T * batch.B * batch.X}`);
    const { T, B } = batch;
    const { hiddenSize: H, outputSize: Y, numLayers: L } = spec;
    const ws = this.workspaceFor(T, B);
    const device = ctx.device;
    writeArray(device.queue, ws.x, batch.x);
    const encoder = device.createCommandEncoder({ label: `rnnlab-${this.id}:forward` });
    this.recordStartState(encoder, ws, false);
    arena.reset();
    arena.reserve(4 + 3 * L);
    const pass = encoder.beginComputePass({ label: `rnnlab-${this.id}:forward-pass` });
    this.recordForward(pass, ws, 0, T);
    pass.end();

    // Read back: outputs, then per layer hs, cs (LSTM) and acts (LSTM, GRU), each without slot 0.
    const lstm = spec.cell === 'lstm';
    const gated = lstm || spec.cell === 'gru';
    const AW = model.shape.AW;
    const n = T * B;
    const pieces: { src: GPUBuffer; off: number; floats: number }[] = [{ src: ws.out, off: 0, floats: n * Y }];
    for (const lb of ws.layers) {
      pieces.push({ src: lb.hs, off: B * H, floats: n * H });
      if (lstm) pieces.push({ src: lb.cs, off: B * H, floats: n * H });
      if (gated) pieces.push({ src: lb.acts, off: B * AW, floats: n * AW });
    }
    const total = pieces.reduce((s, p) => s + p.floats, 0);
    const readback = staging.acquire(total * 4);
    let at = 0;
    for (const p of pieces) {
      encoder.copyBufferToBuffer(p.src, p.off * 4, readback, at * 4, p.floats * 4);
      at += p.floats;
    }
    arena.upload(device.queue);
    device.queue.submit([encoder.finish()]);
    const all = new Float32Array(await staging.read(readback, total * 4));
    if (this.lostMessage) throw new Error(this.lostMessage);
    let cursor = 0;
    const take = (floats: number) => all.slice(cursor, (cursor += floats));
    const outputs = take(n * Y);
    const hidden: Float32Array[] = [];
    const cells: Float32Array[] = [];
    const gates: Float32Array[] = [];
    for (let l = 0; l < L; l++) {
      hidden.push(take(n * H));
      if (lstm) cells.push(take(n * H));
      if (gated) {
        const acts = take(n * AW);
        if (lstm) gates.push(acts);
        else {
          // GRU acts rows are r, z, n, (W_hn h + b_hn): the view wants r, z, n.
          const g = new Float32Array(n * 3 * H);
          for (let r = 0; r < n; r++) g.set(acts.subarray(r * AW, r * AW + 3 * H), r * 3 * H);
          gates.push(g);
        }
      }
    }
    return { outputs, hidden, cells: lstm ? cells : undefined, gates: gated ? gates : undefined };
  }

  async inputGradientNorms(x: Float32Array, dOut: Float32Array, T: number, R: number): Promise<Float32Array> {
    const { ctx, arena, staging, model } = this.usable();
    const { spec, G, kernels: k } = model;
    checkShapes(spec, x, dOut, T, R);
    const { inputSize: X, hiddenSize: H, numLayers: L } = spec;
    const ws = this.workspaceFor(T, R);
    const device = ctx.device;
    writeArray(device.queue, ws.x, x);
    writeArray(device.queue, ws.dOut, dOut);
    const encoder = device.createCommandEncoder({ label: `rnnlab-${this.id}:input-gradients` });
    this.recordStartState(encoder, ws, false);
    arena.reset();
    arena.reserve(8 + 6 * L);
    const pass = encoder.beginComputePass({ label: `rnnlab-${this.id}:input-gradients-pass` });
    this.recordForward(pass, ws, 0, T);
    this.recordBackward(pass, ws, 0, T, 0, false);
    // The bottom layer's pre-activation gradients (T·R, G·H) times its W_ih (G·H, X) → dx (T·R, X), then ‖·‖² per row.
    k.gemm.record(pass, ws.groups.dInput, { M: T * R, N: X, K: G * H, a: rowMajor(0, G * H), b: rowMajor(model.layers[0].wihOff, X), cOff: 0, cRowStride: X });
    k.rowNorms.record(pass, ws.groups.inputNorms, T * R, X);
    pass.end();
    const readback = staging.acquire(T * R * 4);
    encoder.copyBufferToBuffer(ws.dxNorms, 0, readback, 0, T * R * 4);
    arena.upload(device.queue);
    device.queue.submit([encoder.finish()]);
    const norms = new Float32Array(await staging.read(readback, T * R * 4));
    if (this.lostMessage) throw new Error(this.lostMessage);
    return norms;
  }

  /** Copies whole buffers (or the first `bytes`) into one staging buffer and returns their contents. */
  private async readBuffers(sources: { buf: GPUBuffer; bytes: number }[]): Promise<Float32Array[]> {
    const { ctx, staging } = this.usable();
    const total = sources.reduce((s, x) => s + x.bytes, 0);
    const readback = staging.acquire(total);
    const encoder = ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:read` });
    let at = 0;
    for (const s of sources) {
      encoder.copyBufferToBuffer(s.buf, 0, readback, at, s.bytes);
      at += s.bytes;
    }
    ctx.device.queue.submit([encoder.finish()]);
    const all = await staging.read(readback, total);
    if (this.lostMessage) throw new Error(this.lostMessage);
    const out: Float32Array[] = [];
    at = 0;
    for (const s of sources) {
      out.push(new Float32Array(all.slice(at, at + s.bytes)));
      at += s.bytes;
    }
    return out;
  }

  async readParams(): Promise<Float32Array> {
    const { model } = this.usable();
    const [p] = await this.readBuffers([{ buf: model.params, bytes: model.P * 4 }]);
    return p;
  }

  async writeParams(params: Float32Array): Promise<void> {
    const { ctx, model } = this.usable();
    if (params.length !== model.P) throw new Error(`expected ${model.P} parameters, got ${params.length}`);
    writeArray(ctx.device.queue, model.params, params);
  }

  async readCheckpoint(): Promise<Checkpoint> {
    const { model } = this.usable();
    const { spec, P } = model;
    const nSlots = this.optimizerKind ? slotCount(this.optimizerKind) : 0;
    const sources = [{ buf: model.params, bytes: P * 4 }, { buf: model.counter, bytes: 4 }];
    for (let i = 0; i < nSlots; i++) sources.push({ buf: model.slots[i], bytes: P * 4 });
    const st = this.carried ? this.state : null;
    const H = spec.hiddenSize;
    const lstm = spec.cell === 'lstm';
    const fgr = lstm && lstmFlags(spec.variant).fullGateRecurrence;
    if (st) {
      for (let l = 0; l < spec.numLayers; l++) {
        sources.push({ buf: st.h[l], bytes: st.B * H * 4 });
        if (lstm) sources.push({ buf: st.c[l], bytes: st.B * H * 4 });
        if (fgr) sources.push({ buf: st.a[l], bytes: st.B * model.shape.AW * 4 });
      }
    }
    const parts = await this.readBuffers(sources);
    const params = parts[0];
    const step = Math.round(parts[1][0]);
    const slots = parts.slice(2, 2 + nSlots);
    let cursor = 2 + nSlots;
    const state: Float32Array[] = [];
    if (st) {
      const B = st.B;
      for (let l = 0; l < spec.numLayers; l++) {
        // The CPU engine's layout: h (B·H), then c (B·H), then FGR's i, f, o (B·3H).
        const h = parts[cursor++];
        const c = lstm ? parts[cursor++] : null;
        const a = fgr ? parts[cursor++] : null;
        const flat = new Float32Array(B * H * (1 + (lstm ? 1 : 0) + (fgr ? 3 : 0)));
        flat.set(h, 0);
        if (c) flat.set(c, B * H);
        if (a) {
          const AW = model.shape.AW;
          const base = 2 * B * H;
          for (let b = 0; b < B; b++) {
            flat.set(a.subarray(b * AW, b * AW + 2 * H), base + b * 3 * H); // i, f
            flat.set(a.subarray(b * AW + 3 * H, b * AW + 4 * H), base + b * 3 * H + 2 * H); // o
          }
        }
        state.push(flat);
      }
    }
    return { spec, params, optimizer: { kind: this.optimizerKind ?? 'sgd', step: this.optimizerKind ? step : 0, slots }, state };
  }

  async writeCheckpoint(cp: Checkpoint): Promise<void> {
    await this.init(cp.spec, cp.params);
    const { ctx, model } = this.usable();
    const q = ctx.device.queue;
    const { spec } = model;
    this.optimizerKind = cp.optimizer.kind;
    const encoder = ctx.device.createCommandEncoder({ label: `rnnlab-${this.id}:write-checkpoint` });
    encoder.clearBuffer(model.slots[0]);
    encoder.clearBuffer(model.slots[1]);
    q.submit([encoder.finish()]);
    cp.optimizer.slots.forEach((s, i) => writeArray(q, model.slots[i], s));
    writeArray(q, model.counter, new Float32Array([cp.optimizer.step]));
    if (cp.state.length === spec.numLayers) {
      const H = spec.hiddenSize;
      const lstm = spec.cell === 'lstm';
      const fgr = lstm && lstmFlags(spec.variant).fullGateRecurrence;
      const unit = H * (1 + (lstm ? 1 : 0) + (fgr ? 3 : 0));
      const B = cp.state[0].length / unit;
      const st = this.stateFor(B);
      const AW = model.shape.AW;
      cp.state.forEach((flat, l) => {
        writeArray(q, st.h[l], flat.subarray(0, B * H));
        if (lstm) writeArray(q, st.c[l], flat.subarray(B * H, 2 * B * H));
        if (fgr) {
          const a = new Float32Array(B * AW);
          const base = 2 * B * H;
          for (let b = 0; b < B; b++) {
            a.set(flat.subarray(base + b * 3 * H, base + b * 3 * H + 2 * H), b * AW);
            a.set(flat.subarray(base + b * 3 * H + 2 * H, base + b * 3 * H + 3 * H), b * AW + 3 * H);
          }
          writeArray(q, st.a[l], a);
        }
      });
      this.carried = true;
    }
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

/** queue.writeBuffer of a whole typed array (any backing buffer) at the start of `buf`. */
function writeArray(queue: GPUQueue, buf: GPUBuffer, data: Float32Array | Int32Array | Uint32Array): void {
  queue.writeBuffer(buf, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

function checkBufferLimit(what: string, bytes: number, limits: GPUSupportedLimits): void {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (bytes > limits.maxStorageBufferBindingSize) {
    throw new Error(`model too large for this GPU: its ${what} need a ${mib(bytes)} buffer, over the adapter's maxStorageBufferBindingSize (${mib(limits.maxStorageBufferBindingSize)})`);
  }
  if (bytes > limits.maxBufferSize) {
    throw new Error(`model too large for this GPU: its ${what} need a ${mib(bytes)} buffer, over the adapter's maxBufferSize (${mib(limits.maxBufferSize)})`);
  }
}

/** Refuses, before anything is allocated, a model the device cannot hold; the message names the limit. */
export function checkModelLimits(spec: ModelSpec, layout: ParamLayout, shape: RecurrentShape, limits: GPUSupportedLimits): void {
  checkBufferLimit('parameters', layout.size * 4, limits);
  const wg = Math.max(shape.forwardWorkgroupBytes, shape.backwardWorkgroupBytes);
  if (wg > limits.maxComputeWorkgroupStorageSize) {
    throw new Error(
      `hidden size ${spec.hiddenSize} too large for this GPU: the fused recurrence needs ${wg} bytes of workgroup memory, over the adapter's maxComputeWorkgroupStorageSize (${limits.maxComputeWorkgroupStorageSize})`,
    );
  }
  if (limits.maxStorageBuffersPerShaderStage < 8) {
    throw new Error(`this GPU allows ${limits.maxStorageBuffersPerShaderStage} storage buffers per shader stage (maxStorageBuffersPerShaderStage); the engine needs 8`);
  }
}
