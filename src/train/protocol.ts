// The messages between the page and the training worker (src/train/worker.ts, src/train/session.ts), typed in one place.
// Page → worker: commands. Worker → page: status, metric frames at a bounded rate, snapshots for the
// task view. Weights never cross: the worker owns them.
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import type { CliffResult } from '../core/figures/cliff';
import type { SaturationFigure } from '../core/figures/saturation';
import type { Verdict } from '../core/lessons';
import type { TaskData } from '../core/tasks/task';
import type { InspectRequest, InspectSnapshot } from '../core/inspect/snapshot';
import type { OptimizerKind } from '../core/optim';
import type { ModelSpec } from '../core/spec';

export type EngineChoice = Config['engine'];

/** Weights and optimiser state of a run, as the worker hands them out and the run store keeps them. */
export interface SavedCheckpoint {
  spec: ModelSpec;
  params: Float32Array; // laid out by paramLayout(spec)
  /** null when the optimiser state was not kept (training resumes with a fresh optimiser). */
  optimizer: { kind: OptimizerKind; step: number; slots: Float32Array[] } | null;
}

/** Scalars of one training step. */
export interface StepSummary {
  step: number; // steps completed after this one (1-based)
  loss: number;
  valLoss: number | null; // when the trainer evaluated this step
  metric: number | null; // task metric on the validation batch, when evaluated
  metricName: string | null;
  gradNorm: number; // before clipping
  clipFactor: number; // < 1 when clipping changed the gradient
  sigmaMax: number; // largest singular value of the bottom layer's W_hh (gates stacked)
  spectralRadius: number; // largest |eigenvalue| of the bottom layer's W_hh (first gate block)
}

/** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for LSTM) of one step, per layer, each of length T. */
export interface GradientProfile {
  step: number;
  // The version of the weights it was computed on: the worker bumps it on every change of the weights, or of
  // how their gradient is taken, that is not a training step. The page never lets an older one replace a newer.
  weightsVersion: number;
  dh: Float64Array[];
  dc: Float64Array[] | null;
}

export interface EngineInfo {
  kind: 'cpu' | 'webgpu';
  description: string; // e.g. the adapter name
  reason: string; // why this engine was chosen (e.g. why WebGPU was not used)
}

export type RunStatus = 'starting' | 'paused' | 'running' | 'diverged' | 'error';

export type ToWorker =
  | { type: 'init'; config: Config; data: TaskData } // data: a shipped corpus, or the user's CSV column / text
  | { type: 'configure'; config: Config; data: TaskData } // applied live where possible, else rebuilt
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; count: number }
  | { type: 'reset' }
  | { type: 'rewind' }
  | { type: 'speed'; stepsPerSecond: number | null } // null = as fast as the engine allows
  | { type: 'forward'; id: number; x: Float32Array; T: number } // the current model on one sequence (T, 1, X)
  | { type: 'exportModel'; id: number; metadata: Record<string, string> } // the weights as a safetensors file
  | { type: 'checkpoint'; id: number } // weights and optimiser state, for the run store
  | { type: 'loadModel'; params: Float32Array; step: number } // imported weights (the Config was set first)
  | { type: 'loadCheckpoint'; checkpoint: SavedCheckpoint; step: number } // a saved run, resumed
  | { type: 'inspect'; id: number; request: InspectRequest } // "inside the cell"; older requests are dropped
  | { type: 'fitReadout' } // ESN: the readout by ridge regression
  | { type: 'cliff'; id: number } // the cliff figure of the live network (core/figures/cliff.ts)
  | { type: 'cancelCliff'; id: number } // stops cliff `id` (queued or computing): it answers with error 'cancelled'
  | { type: 'saturation'; id: number }; // gate saturation of the live network and a fresh copy (core/figures/saturation.ts)

export type FromWorker =
  | { type: 'ready'; engine: EngineInfo; step: number; rebuilt: boolean }
  | { type: 'status'; status: RunStatus; step: number }
  | {
      type: 'frames';
      steps: StepSummary[]; // every step since the last message, oldest first
      profiles: GradientProfile[]; // a few of those steps, evenly spaced, oldest first (the last is the newest)
      weightsVersion: number; // the worker's weights version when it sent this (its profiles may be of older ones)
      stepsPerSecond: number;
      verdict: Verdict | null; // the lesson's claim judged on the run after the newest of these steps
    }
  | { type: 'snapshot'; step: number; outputs: Float32Array; batch: Batch } // for the task view
  | { type: 'profile'; profile: GradientProfile } // gradients of the current weights without a step (while paused)
  | { type: 'diverged'; step: number; message: string }
  | { type: 'rewound'; step: number }
  | { type: 'notice'; message: string } // something the user should know (e.g. an engine fell back)
  | { type: 'forwardResult'; id: number; outputs: Float32Array | null; error: string | null } // (T, 1, Y)
  | { type: 'model'; id: number; bytes: Uint8Array | null; error: string | null }
  | { type: 'checkpoint'; id: number; step: number; checkpoint: SavedCheckpoint | null; error: string | null }
  | { type: 'restored'; step: number } // after loadModel / loadCheckpoint
  | { type: 'inspection'; id: number; step: number; snapshot: InspectSnapshot | null; error: string | null }
  | { type: 'inspectProgress'; id: number; done: number; total: number } // connectivity passes of a long inspection
  | { type: 'cliff'; id: number; step: number; result: CliffResult | null; error: string | null }
  | { type: 'cliffProgress'; id: number; done: number; total: number } // evaluations of the cliff so far
  | { type: 'saturation'; id: number; step: number; result: SaturationFigure | null; error: string | null }
  | { type: 'saturationProgress'; id: number; done: number; total: number } // forward passes of both networks so far
  | { type: 'error'; message: string };

/** At most this many frame messages per second reach the page. */
export const MAX_FRAMES_PER_SECOND = 20;
/** At most this many gradient profiles per frame message (the heatmap's columns). */
export const MAX_PROFILES_PER_FRAME = 4;
