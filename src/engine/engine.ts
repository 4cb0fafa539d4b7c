// The engine contract. Both engines implement it and are interchangeable mid-run:
// a checkpoint (params + optimiser state + carried hidden state) moves between them.
import type { Batch } from '../core/batch';
import type { ModelSpec } from '../core/spec';
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
   * consumed k1 at a time; after each chunk the loss of its k1 steps is backpropagated k2 steps into the
   * past (into earlier chunks when k2 > k1) and one update is made. k1 ≥ T and k2 ≥ T equals full BPTT.
   */
  bptt: { mode: 'full' } | { mode: 'truncated'; k1: number; k2: number };
  /** Start from the state carried from the previous step() (a long stream) instead of zeros. */
  carryState: boolean;
  /** false: compute the gradient and metrics but leave the parameters alone (the CLI's `grad`). */
  update: boolean;
}

export interface StepResult {
  loss: number; // data loss (mean over the selected steps), without penalties
  penalty: number; // value of the penalty terms that were added to the objective
  gradNorm: number; // global L2 norm of the gradient before clipping
  clipFactor: number; // ‖clipped‖ / ‖raw‖ (1 when nothing was clipped)
  /** ‖∂L/∂h_t‖ (Frobenius over the batch) per layer, each of length T; index 0 = bottom layer. */
  dhNorm: Float64Array[];
  /** LSTM only: ‖∂L/∂c_t‖ per layer. */
  dcNorm?: Float64Array[];
  /** The gradient, laid out like the parameters (paramLayout). Only when requested. */
  grads?: Float32Array;
  updates: number; // optimiser updates made (TBPTT makes one per chunk)
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
