// The CPU engine: the reference implementation of the engine contract, on the float64 math of src/core.
// Plain loops over typed arrays; no allocation per element. Also the fallback where WebGPU is missing.
import { StepTotals } from '../../core/stepTotals';
import { validateBatch, type Batch } from '../../core/batch';
import type { CellState } from '../../core/cells/cell';
import { clipGradients } from '../../core/clip';
import { norm } from '../../core/linalg';
import { inputGradientNorms } from '../../core/inspect/connectivity';
import { lossAndGrad } from '../../core/loss';
import { Network, type Workspace } from '../../core/model';
import { applyUpdate, slotCount } from '../../core/optim';
import { l2Penalty } from '../../core/penalty';
import { isGated, paramLayout, validateSpec, type ModelSpec } from '../../core/spec';
import { tbpttChunks } from '../../core/tbptt';
import type { OptimizerKind } from '../../core/optim';
import type { Checkpoint, Engine, EngineStats, ForwardResult, StepOptions, StepResult } from '../engine';

export class CpuEngine implements Engine {
  readonly kind = 'cpu' as const;
  readonly description = 'CPU (reference engine, float64)';
  private net: Network | null = null;
  private params = new Float64Array(0);
  private grads = new Float64Array(0);
  private slots: Float64Array[] = [];
  private optimizerKind: OptimizerKind | null = null;
  private updateCount = 0;
  private workspace: Workspace | null = null;
  private carried: CellState[] | null = null; // state after the last step, for carryState

  async init(spec: ModelSpec, params: Float32Array): Promise<void> {
    const problem = validateSpec(spec);
    if (problem) throw new Error(problem);
    const layout = paramLayout(spec);
    if (params.length !== layout.size) throw new Error(`expected ${layout.size} parameters for this model, got ${params.length}`);
    this.params = Float64Array.from(params);
    this.grads = new Float64Array(layout.size);
    this.net = new Network(spec, this.params, this.grads);
    this.workspace = null;
    this.resetState(true);
  }

  private network(): Network {
    if (!this.net) throw new Error('engine used before init()');
    return this.net;
  }

  private workspaceFor(T: number, B: number): Workspace {
    if (!this.workspace || this.workspace.T !== T || this.workspace.B !== B) this.workspace = this.network().newWorkspace(T, B);
    return this.workspace;
  }

  private startState(net: Network, ws: Workspace, carry: boolean): void {
    const usable = carry && this.carried && this.carried[0].h.length === ws.B * net.spec.hiddenSize;
    net.loadState(ws, usable ? this.carried! : net.zeroState(ws.B));
  }

  async step(batch: Batch, opts: StepOptions, wantGrads = false): Promise<StepResult> {
    const net = this.network();
    const spec = net.spec;
    const problem = validateBatch(batch, spec.outputSize);
    if (problem) throw new Error(problem);
    if (batch.X !== spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${spec.inputSize}`);
    const { T, B } = batch;
    const H = spec.hiddenSize;
    const Y = spec.outputSize;
    const L = spec.numLayers;
    const ws = this.workspaceFor(T, B);
    this.startState(net, ws, opts.carryState);
    this.ensureSlots(opts.optimizer.kind);

    const dhNorm = Array.from({ length: L }, () => new Float64Array(T));
    const dcNorm = ws.dc ? Array.from({ length: L }, () => new Float64Array(T)) : undefined;
    const totals = new StepTotals();
    // The gradient of the last chunk that carried loss (zeros when none did), float64 as computed.
    const lastGrads = wantGrads ? new Float64Array(this.grads.length) : undefined;
    let profiled: { w0: number; e: number } | null = null; // the last scored chunk's backward window

    for (const { s, e, w0, from } of tbpttChunks(T, opts.bptt)) {
      net.forward(ws, batch.x, from, e);
      ws.dOut.fill(0, w0 * B * Y, e * B * Y);
      const part = lossAndGrad(ws.out, batch, Y, s, e, ws.dOut);
      // A chunk with no scored step has nothing to learn from: no backward, no penalty, no update (the
      // optimiser's moments and step count stay where they are).
      if (part.count === 0) continue;

      this.grads.fill(0);
      let chunkPenalty = net.backward(ws, batch.x, w0, e, opts.penalty.omega);
      chunkPenalty += l2Penalty(this.params, this.grads, net.layout, opts.penalty.l2);
      profiled = { w0, e };
      const clip = clipGradients(this.grads, net.layout, opts.clip.mode, opts.clip.threshold);
      const chunkFinite = Number.isFinite(clip.norm) && Number.isFinite(part.sum) && Number.isFinite(chunkPenalty);
      if (lastGrads) lastGrads.set(this.grads);
      const guarded = clip.norm > (opts.maxGradNorm ?? Infinity);
      const updated = opts.update && chunkFinite && !guarded;
      if (updated) {
        this.updateCount++;
        applyUpdate(this.params, this.grads, this.slots, this.updateCount, opts.optimizer, net.layout);
      }
      totals.add({ lossSum: part.sum, count: part.count, penalty: chunkPenalty, gradNormSq: clip.norm * clip.norm, clipFactor: clip.factor, finite: chunkFinite, updated });
    }
    // The profile: ‖∂L_c/∂h_t‖ of the last scored chunk c over its window (later chunks run no backward, so
    // ws.dh still holds it); zero outside the window.
    if (profiled) {
      for (let l = 0; l < L; l++) {
        for (let t = profiled.w0; t < profiled.e; t++) {
          dhNorm[l][t] = norm(ws.dh[l], t * B * H, (t + 1) * B * H);
          if (dcNorm && ws.dc) dcNorm[l][t] = norm(ws.dc[l], t * B * H, (t + 1) * B * H);
        }
      }
    }
    this.carried = net.readState(ws, T - 1);
    return { ...totals.result(), dhNorm, dcNorm, grads: lastGrads };
  }

  async forward(batch: Batch): Promise<ForwardResult> {
    const net = this.network();
    if (batch.X !== net.spec.inputSize) throw new Error(`batch has X=${batch.X} inputs, the model expects ${net.spec.inputSize}`);
    const ws = net.newWorkspace(batch.T, batch.B);
    net.loadState(ws, net.zeroState(batch.B));
    net.forward(ws, batch.x, 0, batch.T);
    const gated = isGated(net.spec.cell);
    return {
      outputs: Float32Array.from(ws.out),
      hidden: ws.traces.map((tr) => Float32Array.from(tr.hs)),
      cells: net.info.cellState ? ws.traces.map((tr) => Float32Array.from(tr.extra.cs)) : undefined,
      gates: gated ? ws.traces.map((tr) => Float32Array.from(tr.extra.gates)) : undefined,
    };
  }

  async inputGradientNorms(x: Float32Array, dOut: Float32Array, T: number, R: number): Promise<Float32Array> {
    return Float32Array.from(inputGradientNorms(this.network().spec, this.params, x, dOut, T, R));
  }

  async readParams(): Promise<Float32Array> {
    return Float32Array.from(this.params);
  }

  /** The parameters as the engine holds them, in float64 (readParams rounds to float32): for the oracle tests. */
  readParams64(): Float64Array {
    return Float64Array.from(this.params);
  }

  async writeParams(params: Float32Array): Promise<void> {
    if (params.length !== this.params.length) throw new Error(`expected ${this.params.length} parameters, got ${params.length}`);
    this.params.set(params);
  }

  async readCheckpoint(): Promise<Checkpoint> {
    const net = this.network();
    const state = (this.carried ?? []).map((layer) => {
      const parts = Object.keys(net.stateShape).map((k) => layer[k]);
      const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        flat.set(p, o);
        o += p.length;
      }
      return flat;
    });
    return {
      spec: net.spec,
      params: Float32Array.from(this.params),
      optimizer: { step: this.updateCount, kind: this.optimizerKind ?? 'sgd', slots: this.slots.map((s) => Float32Array.from(s)) },
      state,
    };
  }

  async writeCheckpoint(cp: Checkpoint): Promise<void> {
    await this.init(cp.spec, cp.params);
    const net = this.network();
    this.updateCount = cp.optimizer.step;
    this.optimizerKind = cp.optimizer.kind;
    this.slots = cp.optimizer.slots.map((s) => Float64Array.from(s));
    if (cp.state.length === net.spec.numLayers) {
      const H = net.spec.hiddenSize;
      const widths = Object.entries(net.stateShape);
      const unit = widths.reduce((n, [, w]) => n + w * H, 0);
      const B = cp.state[0].length / unit;
      this.carried = cp.state.map((flat) => {
        const layer: CellState = {};
        let o = 0;
        for (const [k, w] of widths) {
          layer[k] = Float64Array.from(flat.subarray(o, o + B * H * w));
          o += B * H * w;
        }
        return layer;
      });
    }
  }

  resetState(optimizer = false): void {
    this.carried = null;
    if (optimizer) {
      this.slots = [];
      this.optimizerKind = null;
      this.updateCount = 0;
    }
  }

  /** Optimiser slots are (re)made when the optimiser kind changes, as a fresh torch.optim would be. */
  private ensureSlots(kind: StepOptions['optimizer']['kind']): void {
    if (this.optimizerKind === kind && this.slots.length === slotCount(kind)) return;
    this.optimizerKind = kind;
    this.updateCount = 0;
    this.slots = Array.from({ length: slotCount(kind) }, () => new Float64Array(this.params.length));
  }

  stats(): EngineStats {
    return { dispatchesPerStep: 0, submitsPerStep: 0 };
  }

  dispose(): void {
    this.net = null;
    this.workspace = null;
    this.carried = null;
  }
}
