// The page's store (zustand), in slices by concern. Components select one field each; code outside
// React (the worker bridge in controller.ts) writes with store.setState. Weights never live here:
// only settings, run status, and the bounded metric series the charts draw.
import { create } from 'zustand';
import { defaultConfig, type Config } from '../core/config';
import type { Batch } from '../core/batch';
import type { Verdict } from '../core/lessons';
import type { SeriesPoint } from './decimate';
import type { EngineInfo, GradientProfile, RunStatus } from '../train/protocol';

export interface ConfigSlice {
  config: Config;
  notices: string[]; // what decoding the URL had to change; shown until dismissed
  corpusLoaded: string | null; // name of the shipped corpus whose text has been fetched (the text stays in taskData.ts)
  userDataVersion: number; // bumped when the user gives a CSV column or a text (the data stays in taskData.ts)
}

export interface RunSlice {
  status: RunStatus;
  step: number;
  stepsPerSecond: number;
  speed: number | null; // target steps per second; null = as fast as possible
  divergence: string | null; // "diverged at step N, gradient norm X"
  divergedAt: number | null; // the step of that divergence (marked on the loss chart)
  error: string | null;
  message: string | null; // transient information (e.g. "rewound to step 120")
  weightsVersion: number; // the newest weights version heard from the worker (src/state/profiles.ts); -1 before any
}

export interface EngineSlice {
  engine: EngineInfo | null;
}

export interface MetricsSlice {
  loss: SeriesPoint[];
  valLoss: SeriesPoint[];
  metric: SeriesPoint[];
  metricName: string | null;
  gradNorm: SeriesPoint[];
  clipSteps: number[]; // steps where clipping changed the gradient (most recent few hundred)
  sigmaMax: SeriesPoint[];
  spectralRadius: SeriesPoint[];
  profile: GradientProfile | null; // the ‖∂L/∂h_t‖ profile shown: the newest, never one of older weights
  heatColumns: Float64Array[]; // bottom layer's profiles, oldest first (bounded)
  heatSteps: number[]; // the training step of each heat column
  lastLoss: number;
  snapshot: { step: number; outputs: Float32Array; batch: Batch } | null;
  verdict: Verdict | null; // the lesson's claim, judged on the live run (core/lessons)
}

export interface ViewSlice {
  logLoss: boolean; // presenter mode is a key of the Config (a link can ask for it)
}

export type AppState = ConfigSlice & RunSlice & EngineSlice & MetricsSlice & ViewSlice;

export function emptyMetrics(): MetricsSlice {
  return {
    loss: [],
    valLoss: [],
    metric: [],
    metricName: null,
    gradNorm: [],
    clipSteps: [],
    sigmaMax: [],
    spectralRadius: [],
    profile: null,
    heatColumns: [],
    heatSteps: [],
    lastLoss: NaN,
    snapshot: null,
    verdict: null,
  };
}

export const useStore = create<AppState>()(() => ({
  config: defaultConfig(),
  notices: [],
  corpusLoaded: null,
  userDataVersion: 0,
  status: 'starting',
  step: 0,
  stepsPerSecond: 0,
  speed: null,
  divergence: null,
  divergedAt: null,
  error: null,
  message: null,
  weightsVersion: -1,
  engine: null,
  ...emptyMetrics(),
  logLoss: true,
}));
