// The charts' history: bounded series of the step scalars (older points merged in pairs), the clip markers and
// the heatmap's columns, written to the store as the worker's frames arrive, cut back on a rewind, and set
// aside while a crashed worker restarts.
import type { MetricRecord } from '../core/export/metrics';
import type { FromWorker, StepSummary } from '../train/protocol';
import { DecimatingSeries } from './decimate';
import { takeNewerProfiles } from './profiles';
import { emptyMetrics, useStore, type MetricsSlice } from './store';

/** Chart series keep at most this many points (older ones are merged in pairs). */
const SERIES_CAPACITY = 800;
/** The heatmap shows this many of the most recent profiles. */
const HEAT_COLUMNS = 240;
/** Clip markers kept for the gradient-norm chart. */
const CLIP_MARKERS = 400;

class Series {
  loss = new DecimatingSeries(SERIES_CAPACITY);
  valLoss = new DecimatingSeries(SERIES_CAPACITY);
  metric = new DecimatingSeries(SERIES_CAPACITY);
  gradNorm = new DecimatingSeries(SERIES_CAPACITY);
  sigmaMax = new DecimatingSeries(SERIES_CAPACITY);
  spectralRadius = new DecimatingSeries(SERIES_CAPACITY);

  all(): DecimatingSeries[] {
    return [this.loss, this.valLoss, this.metric, this.gradNorm, this.sigmaMax, this.spectralRadius];
  }

  push(s: StepSummary): void {
    this.loss.push(s.step, s.loss);
    if (s.valLoss !== null) this.valLoss.push(s.step, s.valLoss);
    if (s.metric !== null) this.metric.push(s.step, s.metric);
    this.gradNorm.push(s.step, s.gradNorm);
    this.sigmaMax.push(s.step, s.sigmaMax);
    this.spectralRadius.push(s.step, s.spectralRadius);
  }

  /** What the store's charts draw. */
  snapshots(): Pick<MetricsSlice, 'loss' | 'valLoss' | 'metric' | 'gradNorm' | 'sigmaMax' | 'spectralRadius'> {
    return {
      loss: this.loss.snapshot(),
      valLoss: this.valLoss.snapshot(),
      metric: this.metric.snapshot(),
      gradNorm: this.gradNorm.snapshot(),
      sigmaMax: this.sigmaMax.snapshot(),
      spectralRadius: this.spectralRadius.snapshot(),
    };
  }
}

/** The charts up to a step, kept aside while the worker restarts. */
export interface ChartsAt {
  step: number;
  series: Series;
  clipSteps: number[];
  heatColumns: Float64Array[];
  heatSteps: number[];
}

type FramesMessage = Extract<FromWorker, { type: 'frames' }>;

export class ChartHistory {
  private series = new Series();
  /** A saved run being resumed: its history goes back into the charts once the worker says the weights are in. */
  private resuming: { step: number; records: readonly MetricRecord[]; name: string } | null = null;

  /** A new or reset run: empty charts from step 0. */
  clear(): void {
    this.series = new Series();
    useStore.setState({ ...emptyMetrics(), step: 0, divergence: null, divergedAt: null });
  }

  /** The steps of a frames message into the series, its profiles into the heatmap and the profile shown. */
  addFrames(msg: FramesMessage): void {
    const state = useStore.getState();
    let clipSteps = state.clipSteps;
    const newClips: number[] = [];
    for (const s of msg.steps) {
      this.series.push(s);
      if (s.clipFactor < 1) newClips.push(s.step);
    }
    if (newClips.length) clipSteps = [...clipSteps, ...newClips].slice(-CLIP_MARKERS);
    // every profile is a column of the heatmap (the history of its step); the one shown is never of older weights
    const shown = takeNewerProfiles({ profile: state.profile, newestVersion: state.weightsVersion }, msg.profiles, msg.weightsVersion);
    let heatColumns = state.heatColumns;
    let heatSteps = state.heatSteps;
    if (msg.profiles.length) {
      heatColumns = [...heatColumns, ...msg.profiles.map((p) => p.dh[0])].slice(-HEAT_COLUMNS);
      heatSteps = [...heatSteps, ...msg.profiles.map((p) => p.step)].slice(-HEAT_COLUMNS);
    }
    const last = msg.steps[msg.steps.length - 1];
    const metricName = msg.steps.find((s) => s.metricName)?.metricName ?? state.metricName;
    useStore.setState({
      ...this.series.snapshots(),
      metricName,
      clipSteps,
      heatColumns,
      heatSteps,
      profile: shown.profile,
      weightsVersion: shown.newestVersion,
      step: last ? last.step : state.step,
      lastLoss: last ? last.loss : state.lastLoss,
      stepsPerSecond: msg.stepsPerSecond,
      verdict: msg.verdict,
    });
  }

  /** The run went back to `step` (the last finite checkpoint): everything after it goes. */
  rewoundTo(step: number): void {
    const cut = this.cutAt(step);
    useStore.setState({
      divergence: null,
      divergedAt: null,
      step,
      message: `rewound to step ${step}, the last finite checkpoint`,
      // the profile and loss shown were of the diverged step: the next step draws fresh ones
      profile: null,
      lastLoss: NaN,
      ...this.series.snapshots(),
      clipSteps: cut.clipSteps,
      heatColumns: cut.heatColumns,
      heatSteps: cut.heatSteps,
    });
  }

  /** A saved run is being resumed at `step`: restored() draws its history. */
  expectResume(step: number, records: readonly MetricRecord[], name: string): void {
    this.resuming = { step, records, name };
  }

  /** Weights from a file are being loaded: they come without a history. */
  expectModel(): void {
    this.resuming = null;
  }

  /** The worker has the weights of `step`: the resumed run's history (none for a model file) is drawn up to it. */
  restored(step: number): void {
    const pending = this.resuming && this.resuming.step === step ? this.resuming : null;
    this.resuming = null;
    this.restoreRecords(pending ? pending.records : [], step);
    if (pending) useStore.setState({ message: `resumed "${pending.name}" at step ${step}` });
  }

  /** Puts a saved run's history back into the charts (after it was resumed at its step). */
  private restoreRecords(records: readonly MetricRecord[], step: number): void {
    const series = new Series();
    for (const r of records) {
      series.loss.push(r.step, r.loss);
      if (r.valLoss !== null) series.valLoss.push(r.step, r.valLoss);
      if (r.metric !== null && r.metric !== undefined) series.metric.push(r.step, r.metric);
      if (r.gradNorm !== null) series.gradNorm.push(r.step, r.gradNorm);
      const sigma = Array.isArray(r.sigmaMax) ? r.sigmaMax[0] : r.sigmaMax;
      const radius = Array.isArray(r.spectralRadius) ? r.spectralRadius[0] : r.spectralRadius;
      if (typeof sigma === 'number') series.sigmaMax.push(r.step, sigma);
      if (typeof radius === 'number') series.spectralRadius.push(r.step, radius);
    }
    this.series = series;
    useStore.setState({ ...emptyMetrics(), step, divergence: null, divergedAt: null, ...series.snapshots() });
  }

  /** The charts cut back to `step` (the series in place; the store's markers and columns as copies). */
  cutAt(step: number): ChartsAt {
    for (const s of this.series.all()) s.truncateAfter(step);
    const state = useStore.getState();
    const keep = state.heatSteps.map((s) => s <= step);
    return {
      step,
      series: this.series,
      clipSteps: state.clipSteps.filter((s) => s <= step),
      heatColumns: state.heatColumns.filter((_, i) => keep[i]),
      heatSteps: state.heatSteps.filter((_, i) => keep[i]),
    };
  }

  /** Charts set aside by cutAt go back on screen. */
  put(charts: ChartsAt): void {
    this.series = charts.series;
    useStore.setState({
      step: charts.step,
      ...this.series.snapshots(),
      clipSteps: charts.clipSteps,
      heatColumns: charts.heatColumns,
      heatSteps: charts.heatSteps,
    });
  }
}
