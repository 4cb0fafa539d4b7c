// What the training session owes the page between frame messages: the steps since the last one, a few of their
// gradient profiles, the lesson's newest verdict, and the recent step times (for steps/s). Every profile carries
// the version of the weights it was computed on, so the page never lets a profile of older weights replace a
// newer one (src/state/profiles.ts).
import type { Verdict } from '../core/lessons';
import { MAX_FRAMES_PER_SECOND, MAX_PROFILES_PER_FRAME, type FromWorker, type GradientProfile, type StepSummary } from './protocol';
import type { MetricFrame } from './trainer';

/** Steps/s is measured over this window. */
const SPEED_WINDOW_MS = 2000;

/** Which weights the page's gradient profiles are of. */
export class WeightsVersions {
  /**
   * Bumped on every change of the weights, or of how their gradient is taken, that is not a training step
   * (W_rec or reservoir rescale, step options, reset, rewind, restore, readout fit, engine switch, rebuild).
   * Never reset: the page compares versions across rebuilds.
   */
  current = 0;
  /** The version of the newest profile the page has been sent (or told to drop, on a rebuild). */
  private posted = 0;

  changed(): void {
    this.current++;
  }

  sent(version: number): void {
    this.posted = Math.max(this.posted, version);
  }

  /** A rebuilt 'ready' clears the page's profile: nothing of the old weights is shown. */
  pageCleared(): void {
    this.posted = this.current;
  }

  /** The newest profile the page has is of older weights. */
  get stale(): boolean {
    return this.posted < this.current;
  }
}

export class PendingFrames {
  private steps: StepSummary[] = [];
  private profiles: GradientProfile[] = [];
  private verdict: Verdict | null = null;
  private lastPost = 0;
  private readonly stepTimes: number[] = []; // completion times of recent steps

  constructor(private readonly versions: WeightsVersions) {}

  record(frame: MetricFrame): void {
    this.steps.push(summarize(frame));
    this.verdict = frame.verdict;
    this.profiles.push({ step: frame.step, weightsVersion: this.versions.current, dh: frame.dhNorm, dc: frame.dcNorm });
    const t = performance.now();
    this.stepTimes.push(t);
    while (this.stepTimes.length && this.stepTimes[0] < t - SPEED_WINDOW_MS) this.stepTimes.shift();
  }

  /** Forgets the steps not yet sent (their run was replaced or rewound). */
  clear(): void {
    this.steps = [];
    this.profiles = [];
    this.stepTimes.length = 0;
  }

  /** When the newest step completed (performance.now()); undefined when none since the last clear. */
  get lastStepAt(): number | undefined {
    return this.stepTimes[this.stepTimes.length - 1];
  }

  private stepsPerSecond(): number {
    if (this.stepTimes.length < 2) return 0;
    const span = performance.now() - this.stepTimes[0];
    return span > 0 ? ((this.stepTimes.length - 1) * 1000) / span : 0;
  }

  /** The frames message of what accumulated, or null when there is none or it is not due; `force` ignores the rate limit. */
  take(force: boolean, running: boolean): FromWorker | null {
    const t = performance.now();
    if (!this.steps.length) return null;
    if (!force && t - this.lastPost < 1000 / MAX_FRAMES_PER_SECOND) return null;
    this.lastPost = t;
    // a few evenly spaced profiles (the heatmap's columns), always including the newest
    const n = this.profiles.length;
    const k = Math.min(MAX_PROFILES_PER_FRAME, n);
    const profiles: GradientProfile[] = [];
    for (let i = 0; i < k; i++) profiles.push(this.profiles[Math.round(((i + 1) * n) / k) - 1]);
    for (const p of profiles) this.versions.sent(p.weightsVersion);
    // Profiles recorded before a change of the weights still go out (they are the heatmap's history of those steps);
    // the version sent with them tells the page they are not of the current weights.
    const message: FromWorker = {
      type: 'frames',
      steps: this.steps,
      profiles,
      weightsVersion: this.versions.current,
      stepsPerSecond: running ? this.stepsPerSecond() : 0,
      verdict: this.verdict,
    };
    this.steps = [];
    this.profiles = [];
    return message;
  }
}

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
