// The engine contract. Both engines implement it and are interchangeable mid-run:
// a checkpoint (params + optimiser state + carried hidden state) moves between them.
import type { Batch } from '../core/batch';
import type { ModelSpec } from '../core/spec';
import type { BpttOptions } from '../core/tbptt';
import type { OptimizerKind, OptimizerOptions } from '../core/optim';

export type { OptimizerKind, OptimizerOptions };

export type ClipMode = 'none' | 'norm' | 'value';


export interface StepOptions {
  optimizer: OptimizerOptions;
  clip: { mode: ClipMode; threshold: number };
  /** λ/2·‖W‖² over the weight matrices (not biases) and Pascanu et al.'s Ω with weight `omega` (RNN cells). */
  penalty: { l2: number; omega: number };
  /**
   * full: one update from the whole batch. truncated: Sutskever's TBPTT(k1, k2): the batch's T steps are
   * consumed k1 at a time; after each chunk [s, e) the loss of its steps is backpropagated through the window
   * [max(0, e − k2), e) (into earlier chunks when k2 > k1: those steps are recomputed with the current weights
   * from the state before the window, the state the latest pass over them reached) and one update is made.
   * k1 ≥ T and k2 ≥ T equals full BPTT. Both engines take the chunks from core/tbptt.ts.
   * The chunk rule (both engines and the exported PyTorch script): a chunk with no scored step (no loss: e.g.
   * the adding problem's early chunks, which only the last step scores) makes no update — no backward, no
   * penalty, no optimiser step; the optimiser's moments and step count do not move. Its forward still runs
   * (it carries the state to the next chunk) and its loss-free steps count nothing. Full BPTT is one chunk,
   * so a batch with no scored step makes no update either.
   */
  bptt: BpttOptions;
  /** Start from the state carried from the previous step() (a long stream) instead of zeros. */
  carryState: boolean;
  /** false: compute the gradient and metrics but leave the parameters alone (the CLI's `grad`). */
  update: boolean;
  /**
   * An exploding-gradient guard: a chunk whose gradient norm (before clipping) exceeds this makes no update, so
   * one huge gradient cannot wreck the weights before the Trainer stops the run. Absent or Infinity: no guard.
   */
  maxGradNorm?: number;
}

export interface StepResult {
  loss: number; // data loss (mean over the selected steps), without penalties
  penalty: number; // value of the penalty terms that were added to the objective
  gradNorm: number; // global L2 norm of the gradient before clipping
  clipFactor: number; // ‖clipped‖ / ‖raw‖ (1 when nothing was clipped)
  /**
   * ‖∂L/∂h_t‖ (Frobenius over the batch) per layer, each of length T; index 0 = bottom layer: the gradient
   * backprop actually put on h_t. Full BPTT: the total derivative of the loss. Truncated BPTT: that of the last
   * chunk c that carried loss, L_c, over its backward window [max(0, e_c − k2), e_c), and exactly 0 outside it
   * (before the window no gradient reaches h_t: the profile is zero beyond k2 steps back from the chunk's end).
   * All zeros when no chunk carried loss.
   */
  dhNorm: Float64Array[];
  /** LSTM only: ‖∂L/∂c_t‖ per layer, over the same window as dhNorm. */
  dcNorm?: Float64Array[];
  /**
   * The gradient (clipped as the update used it), laid out like the parameters (paramLayout), of the last chunk
   * that carried loss (zeros when none did). Only when requested. The CPU engine returns its float64 numbers,
   * the WebGPU engine float32.
   */
  grads?: Float32Array | Float64Array;
  /** Optimiser updates made: one per chunk that carried loss and had a finite gradient (0 with update: false). */
  updates: number;
  finite: boolean; // false when loss or gradient held NaN/Inf (the update is then skipped)
}

export interface ForwardResult {
  outputs: Float32Array; // (T, B, Y) head outputs (logits for xent)
  hidden: Float32Array[]; // per layer (T, B, H)
  cells?: Float32Array[]; // LSTM per layer (T, B, H)
  /** Gate activations per layer (T, B, G·H) in the cell's gate order (LSTM i,f,g,o; GRU r,z,n). */
  gates?: Float32Array[];
}

export interface OptimizerState {
  kind: OptimizerKind; // which optimiser the slots belong to
  step: number; // t for Adam's bias correction
  slots: Float32Array[]; // momentum buffer / squares / Adam m and v, each laid out like the params
}

export interface Checkpoint {
  spec: ModelSpec;
  params: Float32Array;
  optimizer: OptimizerState;
  /** Carried hidden (and cell) state, per layer (B, H); empty when none. */
  state: Float32Array[];
}

export interface EngineStats {
  dispatchesPerStep: number; // 0 for the CPU engine
  submitsPerStep: number;
}

export interface Engine {
  readonly kind: 'cpu' | 'webgpu';
  /** Human description, e.g. the adapter's name. */
  readonly description: string;
  init(spec: ModelSpec, params: Float32Array): Promise<void>;
  step(batch: Batch, opts: StepOptions, wantGrads?: boolean): Promise<StepResult>;
  forward(batch: Batch): Promise<ForwardResult>;
  /**
   * Input gradients, for the connectivity view (core/inspect/connectivity.ts): forward x (T, R, X) from a zero
   * state with the current parameters, backpropagate the given output gradient dOut (T, R, Y) — no loss, no
   * parameter gradient, no update, the carried state left alone — and return ‖∂(Σ_t dOut_t · y_t)/∂x_{s,r}‖²
   * for every step s and row r: (T, R).
   */
  inputGradientNorms(x: Float32Array, dOut: Float32Array, T: number, R: number): Promise<Float32Array>;
  readParams(): Promise<Float32Array>;
  writeParams(params: Float32Array): Promise<void>;
  readCheckpoint(): Promise<Checkpoint>;
  writeCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Forget the carried hidden state (and the optimiser's, when `optimizer` is true). */
  resetState(optimizer?: boolean): void;
  stats(): EngineStats;
  dispose(): void;
}
