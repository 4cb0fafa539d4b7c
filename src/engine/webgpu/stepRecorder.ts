// Records the dispatches of the engine's calls into the caller's encoder, for one batch shape (T, B): the
// forward over a range of steps, backprop through a window, a training step's TBPTT chunks (loss, backward,
// step norms, gradient reduction, clipping and update), the input-gradient view, and the carried state.
// Its bind groups are made once per batch shape, by binding name (src/engine/webgpu/contract.ts).
import type { Batch } from '../../core/batch';
import type { TbpttChunk } from '../../core/tbptt';
import { bufferBytes, carriedPairs, metricsLayout, workspaceDims, type WorkspaceDims } from '../../core/workspace';
import type { StepOptions } from '../engine';
import type { BufferSet } from './buffers';
import { rowMajor, transposed } from './kernels/gemm';
import type { OmegaGroups } from './kernels/omega';
import type { GpuModel } from './pipelines';

/** A TBPTT chunk with the divisor of its mean loss (0: no scored step, no update). */
export interface ScoredChunk extends TbpttChunk {
  count: number;
}

interface LayerGroups {
  inputGemm: GPUBindGroup; // layer input · W_ihᵀ + b_ih → xp
  forward: GPUBindGroup;
  backward: GPUBindGroup;
  backwardOmega: GPUBindGroup | null;
  dWih: GPUBindGroup; // dGᵀ · layer input → grads
  dWhh: GPUBindGroup; // dGᵀ · hs → grads
  dX: GPUBindGroup | null; // dG · W_ih → dh of the layer below
  peepholes: GPUBindGroup | null;
  gateRecurrence: GPUBindGroup | null;
  omega: OmegaGroups | null;
}

export class StepRecorder {
  private readonly layers: LayerGroups[];
  private readonly head: GPUBindGroup;
  private readonly loss: GPUBindGroup;
  private readonly dWhead: GPUBindGroup;
  private readonly dhTop: GPUBindGroup;
  private readonly dInput: GPUBindGroup;
  private readonly inputNorms: GPUBindGroup;
  private readonly norms: GPUBindGroup;
  private readonly finalize: GPUBindGroup;
  private readonly optimizer: GPUBindGroup;
  private readonly stateDims: WorkspaceDims; // sizes the carried state's B rows

  constructor(private model: GpuModel, readonly T: number, readonly B: number, readonly ws: BufferSet<'batch'>) {
    this.stateDims = workspaceDims(model.spec, T, B, model.P, 1);
    const k = model.kernels;
    const { params, grads } = model.buffers;
    const L = model.spec.numLayers;
    this.layers = ws.hs.map((hs, l) => {
      const input = l === 0 ? ws.x : ws.hs[l - 1];
      const lstmGrads = { dG: ws.dG, cs: ws.cs[l], acts: ws.acts[l], grads };
      const recurrent = { params, params4: params, hs, cs: ws.cs[l], acts: ws.acts[l], dh: ws.dh, dG: ws.dG };
      return {
        inputGemm: k.gemm.bind(`xp-l${l}`, { A: input, Bm: params, bias: params, C: ws.xp[l] }),
        forward: k.forward.bind(`forward-l${l}`, { params, xp: ws.xp[l], hs, cs: ws.cs[l], acts: ws.acts[l], params4: params }),
        backward: k.backward.bind(`backward-l${l}`, { ...recurrent, dc: ws.dc }),
        // with Ω the backward writes v_t = dpre_t · W_hh where an LSTM's dc would be
        backwardOmega: k.backwardOmega?.bind(`backward-omega-l${l}`, { ...recurrent, dc: ws.omegaV }) ?? null,
        dWih: k.gemm.bind(`dWih-l${l}`, { A: ws.dG, Bm: input, bias: params, C: grads }),
        dWhh: k.gemm.bind(`dWhh-l${l}`, { A: ws.dG, Bm: hs, bias: params, C: grads }),
        dX: l > 0 ? k.gemm.bind(`dX-l${l}`, { A: ws.dG, Bm: params, bias: params, C: ws.dh }) : null,
        peepholes: k.peepholes?.bind(`peephole-grads-l${l}`, lstmGrads) ?? null,
        gateRecurrence: k.gateRecurrence?.bind(`wgg-grads-l${l}`, lstmGrads) ?? null,
        omega: k.omega?.bind(`omega-l${l}`, { params, dh: ws.dh, dG: ws.dG, omegaV: ws.omegaV, terms: ws.omegaTerms, grads }) ?? null,
      };
    });
    const top = ws.hs[L - 1];
    this.head = k.gemm.bind('head', { A: top, Bm: params, bias: params, C: ws.out });
    this.loss = k.loss.bind('loss', { outputs: ws.out, targets: ws.targets, labels: ws.labels, selected: ws.selected, dOut: ws.dOut, rowLoss: ws.rowLoss });
    this.dWhead = k.gemm.bind('dWhead', { A: ws.dOut, Bm: top, bias: params, C: grads });
    this.dhTop = k.gemm.bind('dhTop', { A: ws.dOut, Bm: params, bias: params, C: ws.dh });
    this.dInput = k.gemm.bind('dInput', { A: ws.dG, Bm: params, bias: params, C: ws.dx });
    this.inputNorms = k.rowNorms.bind('input-norms', { src: ws.dx, out: ws.dxNorms });
    this.norms = k.norms.bind('norms', { dh: ws.dh, dc: ws.dc, norms: ws.metrics });
    this.finalize = k.finalize.bind('finalize', { partials: model.buffers.partials, rowLoss: ws.rowLoss, omegaTerms: ws.omegaTerms, metrics: ws.metrics, counter: model.buffers.counter });
    const { flags, slot0, slot1, counter } = model.buffers;
    this.optimizer = k.optimizer.bind('optimizer', { params, grads, flags, slot0, slot1, metrics: ws.metrics, counter });
  }

  /** Uniform slots a step of `chunks` chunks may use (the arena must hold them before recording). */
  uniformSlots(chunks: number): number {
    return chunks * (16 + 12 * this.model.spec.numLayers);
  }

  /** Slot 0 of each carried trace (hs, cs, acts) = the carried state `from`, or zeros. */
  recordStartState(encoder: GPUCommandEncoder, from: BufferSet<'state'> | null): void {
    for (const { trace, state } of carriedPairs()) {
      const bytes = bufferBytes(state, this.stateDims);
      if (bytes === 0) continue; // this cell carries no such state
      (this.ws[trace] as GPUBuffer[]).forEach((dst, l) => {
        if (from) encoder.copyBufferToBuffer(from[state][l], 0, dst, 0, bytes);
        else encoder.clearBuffer(dst, 0, bytes);
      });
    }
  }

  /** The state after the last step of the batch (slot T of each carried trace) goes to `to`. */
  recordEndState(encoder: GPUCommandEncoder, to: BufferSet<'state'>): void {
    for (const { trace, state } of carriedPairs()) {
      const bytes = bufferBytes(state, this.stateDims);
      if (bytes === 0) continue;
      (this.ws[trace] as GPUBuffer[]).forEach((src, l) => encoder.copyBufferToBuffer(src, this.T * bytes, to[state][l], 0, bytes));
    }
  }

  /** Forward over steps [s, e): every layer's input GEMM and fused recurrence, then the head. */
  recordForward(pass: GPUComputePassEncoder, s: number, e: number): void {
    const { spec, cell, kernels: k } = this.model;
    const B = this.B;
    const H = spec.hiddenSize;
    const GH = cell.G * H;
    const rows = (e - s) * B;
    this.model.layers.forEach((lt, l) => {
      const I = lt.inSize;
      const inOff = l === 0 ? 0 : B * H; // the layer below's hs: skip its slot 0 (the state before step 0)
      k.gemm.record(pass, this.layers[l].inputGemm, {
        M: rows, N: GH, K: I, a: rowMajor(inOff + s * B * I, I), b: transposed(lt.wihOff, I), cOff: s * B * GH, cRowStride: GH, biasOff: lt.bihOff,
      });
      k.forward.record(pass, this.layers[l].forward, B, s, e, lt);
    });
    k.gemm.record(pass, this.head, {
      M: rows, N: spec.outputSize, K: H, a: rowMajor((s + 1) * B * H, H), b: transposed(this.model.headWOff, H), cOff: s * B * spec.outputSize, cRowStride: spec.outputSize, biasOff: this.model.headBOff,
    });
  }

  /**
   * Backprop through the window [w0, e): head gradients, each layer's fused reverse recurrence, weight GEMMs.
   * paramGrads = false skips every parameter-gradient product (the input-gradient view wants only dG).
   * Returns the rows of omegaTerms the finalisation adds (0 without Ω).
   */
  recordBackward(pass: GPUComputePassEncoder, w0: number, e: number, omega: number, paramGrads = true): number {
    const { spec, cell, kernels: k, headWOff, headBOff } = this.model;
    const { T, B } = this;
    const { hiddenSize: H, outputSize: Y, numLayers: L } = spec;
    const GH = cell.G * H;
    const rows = (e - w0) * B;
    const dOff = (l: number) => l * T * B * H;
    const dghOff = cell.recurrentGateGrads ? T * B * GH : 0;
    const topHs = (w0 + 1) * B * H;
    if (paramGrads) k.gemm.record(pass, this.dWhead, { M: Y, N: H, K: rows, a: transposed(w0 * B * Y, Y), b: rowMajor(topHs, H), cOff: headWOff, cRowStride: H, rowSumOff: headBOff });
    k.gemm.record(pass, this.dhTop, { M: rows, N: H, K: Y, a: rowMajor(w0 * B * Y, Y), b: rowMajor(headWOff, H), cOff: dOff(L - 1) + w0 * B * H, cRowStride: H });
    let omegaRows = 0;
    for (let l = L - 1; l >= 0; l--) {
      const lt = this.model.layers[l];
      const g = this.layers[l];
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

  /**
   * A training step's chunks: each chunk's forward; then, for a chunk with a scored step (the chunk rule,
   * engine.ts StepOptions), loss, backward, the profile (for the `profiled` chunk), the gradient reduction
   * into its metrics record, and clipping with the update. Chunks with no scored step leave their records zero.
   */
  recordChunks(pass: GPUComputePassEncoder, chunks: readonly ScoredChunk[], profiled: number, batch: Batch, opts: StepOptions, wantGrads: boolean): void {
    const { spec, cell, kernels: k, P } = this.model;
    const { T, B } = this;
    const { outputSize: Y, numLayers: L } = spec;
    const { mode: clipMode, threshold } = opts.clip;
    const doUpdate = opts.update;
    chunks.forEach((c, chunk) => {
      this.recordForward(pass, c.from, c.e);
      if (c.count === 0) return;
      k.loss.record(pass, this.loss, { B, Y, w0: c.from, t0: c.s, t1: c.e, xent: batch.loss === 'xent', count: c.count });
      const omegaRows = this.recordBackward(pass, c.w0, c.e, opts.penalty.omega);
      if (chunk === profiled) {
        k.norms.record(pass, this.norms, { T, B, H: spec.hiddenSize, L, t0: c.w0, t1: c.e, outOff: metricsLayout(T, L).normsOffset, withCells: cell.cellState });
      }
      k.partials.record(pass, this.model.partialsGroup, P, opts.penalty.l2, threshold);
      k.finalize.record(pass, this.finalize, {
        B, t0: c.s, t1: c.e, chunk, P, clipMode, doUpdate, l2: opts.penalty.l2, threshold, omegaRows, maxNorm: opts.maxGradNorm ?? Infinity,
      });
      if (doUpdate || wantGrads) k.optimizer.record(pass, this.optimizer, { P, chunk, opt: opts.optimizer, clipMode, threshold, doUpdate });
    });
  }

  /** ‖∂(dOut · y)/∂x_t‖² per (t, row): forward, backward without parameter gradients, dx = dG · W_ih of layer 0. */
  recordInputGradients(pass: GPUComputePassEncoder): void {
    const { spec, cell, kernels: k } = this.model;
    const { T, B } = this;
    const X = spec.inputSize;
    const GH = cell.G * spec.hiddenSize;
    this.recordForward(pass, 0, T);
    this.recordBackward(pass, 0, T, 0, false);
    k.gemm.record(pass, this.dInput, { M: T * B, N: X, K: GH, a: rowMajor(0, GH), b: rowMajor(this.model.layers[0].wihOff, X), cOff: 0, cRowStride: X });
    k.rowNorms.record(pass, this.inputNorms, T * B, X);
  }
}
