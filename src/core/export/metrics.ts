// Metric history as files: a wide CSV (one row per step), the per-timestep gradient norms ‖∂L/∂h_t‖ as a
// long CSV (step, layer, t), and JSON holding both. Non-finite values are kept (a blow-up is data): CSV writes
// NaN / Infinity / -Infinity, JSON writes them as those strings, since JSON has no number for them.

/** A chart point as the page's decimated series hold them (src/state/decimate.ts SeriesPoint). */
export interface SeriesPoint {
  step: number;
  value: number;
}

/** One step's scalars. The Trainer's MetricFrame converts with recordFromFrame; the page's StepSummary fits as is. */
export interface MetricRecord {
  step: number;
  loss: number;
  valLoss: number | null;
  metric?: number | null; // the task's metric, when validation ran
  gradNorm: number | null; // before clipping
  clipFactor?: number | null; // ‖clipped‖ / ‖raw‖
  penalty?: number | null;
  lr?: number | null;
  /** Per layer (or one number for the bottom layer). */
  sigmaMax: number | readonly number[] | null;
  spectralRadius: number | readonly number[] | null;
}

/** ‖∂L/∂h_t‖ per layer (each of length T) at one step; ‖∂L/∂c_t‖ for LSTMs. */
export interface ProfileRecord {
  step: number;
  dh: readonly ArrayLike<number>[];
  dc?: readonly ArrayLike<number>[] | null;
}

/** The fields of the Trainer's MetricFrame these files use (structural, so src/core stays free of src/train). */
export interface FrameLike {
  step: number;
  loss: number;
  penalty: number;
  gradNorm: number;
  clipFactor: number;
  lr: number;
  dhNorm: Float64Array[];
  dcNorm: Float64Array[] | null;
  sigmaMax: number[];
  spectralRadius: number[];
  valLoss: number | null;
  metric: { value: number } | null;
}

export function recordFromFrame(frame: FrameLike): MetricRecord {
  return {
    step: frame.step,
    loss: frame.loss,
    valLoss: frame.valLoss,
    metric: frame.metric ? frame.metric.value : null,
    gradNorm: frame.gradNorm,
    clipFactor: frame.clipFactor,
    penalty: frame.penalty,
    lr: frame.lr,
    sigmaMax: frame.sigmaMax,
    spectralRadius: frame.spectralRadius,
  };
}

export function profileFromFrame(frame: FrameLike): ProfileRecord {
  return { step: frame.step, dh: frame.dhNorm, dc: frame.dcNorm };
}

/** The page's decimated chart series merged into records by step (a value missing at a step stays empty). */
export function recordsFromSeries(series: {
  loss: readonly SeriesPoint[];
  valLoss?: readonly SeriesPoint[];
  metric?: readonly SeriesPoint[];
  gradNorm?: readonly SeriesPoint[];
  sigmaMax?: readonly SeriesPoint[];
  spectralRadius?: readonly SeriesPoint[];
}): MetricRecord[] {
  const rows = new Map<number, MetricRecord>();
  const row = (step: number) => {
    let r = rows.get(step);
    if (!r) {
      r = { step, loss: NaN, valLoss: null, metric: null, gradNorm: null, sigmaMax: null, spectralRadius: null };
      rows.set(step, r);
    }
    return r;
  };
  for (const p of series.loss) row(p.step).loss = p.value;
  for (const p of series.valLoss ?? []) row(p.step).valLoss = p.value;
  for (const p of series.metric ?? []) row(p.step).metric = p.value;
  for (const p of series.gradNorm ?? []) row(p.step).gradNorm = p.value;
  for (const p of series.sigmaMax ?? []) row(p.step).sigmaMax = p.value;
  for (const p of series.spectralRadius ?? []) row(p.step).spectralRadius = p.value;
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

const asArray = (v: number | readonly number[] | null | undefined): readonly number[] => (v === null || v === undefined ? [] : typeof v === 'number' ? [v] : v);

/** A number as CSV text: full precision, non-finite spelled out, missing empty. */
function cell(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** Columns: step, loss, val_loss, metric, grad_norm, clip_factor, penalty, lr, sigma_max_l0…, spectral_radius_l0… */
export function metricsToCsv(records: readonly MetricRecord[]): string {
  const layers = Math.max(1, ...records.map((r) => Math.max(asArray(r.sigmaMax).length, asArray(r.spectralRadius).length)));
  const perLayer = (name: string) => Array.from({ length: layers }, (_, l) => `${name}_l${l}`);
  const header = ['step', 'loss', 'val_loss', 'metric', 'grad_norm', 'clip_factor', 'penalty', 'lr', ...perLayer('sigma_max'), ...perLayer('spectral_radius')];
  const lines = [header.join(',')];
  for (const r of records) {
    const sigma = asArray(r.sigmaMax);
    const radius = asArray(r.spectralRadius);
    lines.push(
      [
        String(r.step),
        cell(r.loss),
        cell(r.valLoss),
        cell(r.metric),
        cell(r.gradNorm),
        cell(r.clipFactor),
        cell(r.penalty),
        cell(r.lr),
        ...Array.from({ length: layers }, (_, l) => cell(sigma[l])),
        ...Array.from({ length: layers }, (_, l) => cell(radius[l])),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Long format, one row per (step, layer, t): step, layer, t, dh_norm, dc_norm (empty for cells without c). */
export function profilesToCsv(profiles: readonly ProfileRecord[]): string {
  const lines = ['step,layer,t,dh_norm,dc_norm'];
  for (const p of profiles) {
    p.dh.forEach((dh, layer) => {
      const dc = p.dc?.[layer];
      for (let t = 0; t < dh.length; t++) lines.push(`${p.step},${layer},${t},${cell(dh[t])},${dc ? cell(dc[t]) : ''}`);
    });
  }
  return lines.join('\n') + '\n';
}

/** JSON number, or the strings "NaN" / "Infinity" / "-Infinity". */
function jsonNumber(v: number | null | undefined): number | string | null {
  if (v === null || v === undefined) return null;
  return Number.isFinite(v) ? v : cell(v);
}

/** { format, config, records: [...], profiles: [...] } with per-layer arrays; pretty-printed when small. */
export function metricsToJson(records: readonly MetricRecord[], profiles: readonly ProfileRecord[] = [], config?: string): string {
  const out = {
    format: 'rnnlab-metrics/1',
    config: config ?? null,
    records: records.map((r) => ({
      step: r.step,
      loss: jsonNumber(r.loss),
      valLoss: jsonNumber(r.valLoss),
      metric: jsonNumber(r.metric),
      gradNorm: jsonNumber(r.gradNorm),
      clipFactor: jsonNumber(r.clipFactor),
      penalty: jsonNumber(r.penalty),
      lr: jsonNumber(r.lr),
      sigmaMax: asArray(r.sigmaMax).map(jsonNumber),
      spectralRadius: asArray(r.spectralRadius).map(jsonNumber),
    })),
    profiles: profiles.map((p) => ({
      step: p.step,
      dh: p.dh.map((layer) => Array.from(layer, jsonNumber)),
      dc: p.dc ? p.dc.map((layer) => Array.from(layer, jsonNumber)) : null,
    })),
  };
  return JSON.stringify(out, null, records.length + profiles.length < 200 ? 1 : undefined);
}

/** Reads metricsToJson's output back (for tests and for reloading a saved file). */
export function metricsFromJson(text: string): { records: MetricRecord[]; profiles: ProfileRecord[]; config: string | null } {
  const data = JSON.parse(text) as { format?: string; config: string | null; records: Record<string, unknown>[]; profiles: { step: number; dh: unknown[][]; dc: unknown[][] | null }[] };
  if (data.format !== 'rnnlab-metrics/1') throw new Error('not an rnnlab metrics file (format "rnnlab-metrics/1" expected)');
  const num = (v: unknown): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);
  const opt = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
  return {
    config: data.config,
    records: data.records.map((r) => ({
      step: num(r.step),
      loss: num(r.loss),
      valLoss: opt(r.valLoss),
      metric: opt(r.metric),
      gradNorm: opt(r.gradNorm),
      clipFactor: opt(r.clipFactor),
      penalty: opt(r.penalty),
      lr: opt(r.lr),
      sigmaMax: (r.sigmaMax as unknown[]).map(num),
      spectralRadius: (r.spectralRadius as unknown[]).map(num),
    })),
    profiles: data.profiles.map((p) => ({
      step: p.step,
      dh: p.dh.map((layer) => Float64Array.from(layer, num)),
      dc: p.dc ? p.dc.map((layer) => Float64Array.from(layer, num)) : null,
    })),
  };
}
