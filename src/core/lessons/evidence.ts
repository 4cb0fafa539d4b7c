// What a lesson's claim is judged on: every training step of the run, folded into a few numbers.
// Fed by the Trainer's metric frames (in the worker, and in the tests); pure, so the page, the CLI and the
// tests judge a run the same way.
import { summarizeFlow, type FlowSummary } from '../flow';
import type { TaskMetric } from '../tasks/task';

/** The parts of a Trainer MetricFrame that lessons read. */
export interface LessonFrame {
  step: number;
  loss: number;
  gradNorm: number;
  clipped: boolean;
  dhNormTop: ArrayLike<number>;
  dcNormTop: ArrayLike<number> | null;
  sigmaMax: number[];
  metric: TaskMetric | null;
  diverged: boolean;
  message: string | null;
}

/** ‖∂L/∂c_0‖ / max_t ‖∂L/∂c_t‖: how much of the error the cell state carries back to the first step (0–1). */
export function carriedToStart(dc: ArrayLike<number>): number {
  let max = 0;
  for (let t = 0; t < dc.length; t++) if (Number.isFinite(dc[t])) max = Math.max(max, dc[t]);
  return max > 0 && Number.isFinite(dc[0]) ? dc[0] / max : 0;
}

/** "×0.51 per step back: vanishing" — the profile read in words. */
export function flowWords(flow: FlowSummary): string {
  if (flow.verdict === 'overflow') return `${flow.nonFinite} steps overflowed to Inf/NaN: exploding`;
  if (flow.verdict === 'unknown') return 'no gradient profile yet';
  if (!Number.isFinite(flow.slope)) return `${flow.zeros} steps get exactly zero gradient: vanished`;
  const factor = flow.factorPerStepBack;
  const shown = factor >= 10 || factor < 0.01 ? factor.toExponential(1) : factor.toFixed(factor > 0.995 && factor < 1.005 ? 3 : 2);
  const change = flow.verdict === 'vanishing' ? 'the error shrinks' : flow.verdict === 'exploding' ? 'the error grows' : 'the error keeps its size';
  return `${change} ×${shown} per step back: ${flow.verdict}`;
}

export class Evidence {
  step = 0;
  first: LessonFrame | null = null;
  latest: LessonFrame | null = null;
  firstFlow: FlowSummary | null = null;
  latestFlow: FlowSummary | null = null;
  /** The latest validation metric, and the best so far (lower or higher, as the metric says). */
  metric: TaskMetric | null = null;
  best: number | null = null;
  /** target → the first step whose validation metric reached it. */
  readonly reachedAt = new Map<number, number>();
  clippedSteps = 0;
  divergence: { step: number; message: string; flow: FlowSummary; gradNorm: number } | null = null;
  /**
   * The profile's factor per step back, averaged over recent steps (an exponential average of the fitted slope
   * over about 50 steps): one batch's profile is noisy, a trend is not. NaN until a profile had a slope.
   */
  smoothedFactor = NaN;
  private smoothedSlope = NaN;

  constructor(readonly targets: readonly number[] = []) {}

  add(frame: LessonFrame): void {
    this.step = frame.step;
    const flow = summarizeFlow(frame.dhNormTop);
    if (!this.first) {
      this.first = frame;
      this.firstFlow = flow;
    }
    this.latest = frame;
    this.latestFlow = flow;
    if (Number.isFinite(flow.slope)) {
      this.smoothedSlope = Number.isFinite(this.smoothedSlope) ? 0.98 * this.smoothedSlope + 0.02 * flow.slope : flow.slope;
      this.smoothedFactor = 10 ** -this.smoothedSlope;
    }
    if (frame.clipped) this.clippedSteps++;
    if (frame.diverged && !this.divergence) {
      this.divergence = { step: frame.step, message: frame.message ?? `diverged at step ${frame.step}`, flow, gradNorm: frame.gradNorm };
    }
    const m = frame.metric;
    if (m && Number.isFinite(m.value)) {
      this.metric = m;
      const better = (a: number, b: number) => (m.higherIsBetter ? a > b : a < b);
      if (this.best === null || better(m.value, this.best)) this.best = m.value;
      for (const target of this.targets) {
        const reached = m.higherIsBetter ? m.value >= target : m.value <= target;
        if (reached && !this.reachedAt.has(target)) this.reachedAt.set(target, frame.step);
      }
    }
  }
}
