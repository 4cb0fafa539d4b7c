// Pure view logic for the "inside the cell" views: histogram geometry, the text colouring of a unit,
// aligned chart rows for a race, and series for the connectivity and sweep charts.
import { interpolateRdBu } from 'd3-scale-chromatic';
import type { GateHistogram } from '../../core/inspect/gates';
import type { InspectRequest, InspectSnapshot } from '../../core/inspect/snapshot';
import type { RaceResult } from '../../core/inspect/race';
import type { SweepResult } from '../../core/inspect/sweep';
import { parseColor } from '../colormap';
import { PALETTE } from '../palette';
import type { XY } from '../plotPath';

/** One colour and one dash pattern per contestant, so lines differ in more than hue. */
export const CONTESTANT_STYLES = [
  { color: PALETTE.blue, dash: undefined },
  { color: PALETTE.vermilion, dash: '7 3' },
  { color: PALETTE.green, dash: '2 3' },
  { color: PALETTE.purple, dash: '10 3 2 3' },
] as const;

// ---- gate histograms ----

export interface HistogramBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the bin lies: in the closed (< 0.1), open (> 0.9) or middle zone (tanh: < −0.9, > 0.9). */
  zone: 'low' | 'mid' | 'high';
  fraction: number; // of the gate's values in this bin
}

/** Bars of a histogram in a width × height box; heights are fractions of the values, scaled to the tallest. */
export function histogramBars(stat: GateHistogram, width: number, height: number): HistogramBar[] {
  const bins = stat.counts.length;
  let peak = 0;
  for (const c of stat.counts) peak = Math.max(peak, c);
  const barW = width / bins;
  const binW = (stat.hi - stat.lo) / bins;
  const [low, high] = stat.gate.activation === 'sigmoid' ? [0.1, 0.9] : [-0.9, 0.9];
  return Array.from(stat.counts, (c, k) => {
    const h = peak > 0 ? (c / peak) * height : 0;
    const centre = stat.lo + (k + 0.5) * binW;
    return {
      x: k * barW,
      y: height - h,
      width: Math.max(0.5, barW - 1),
      height: h,
      zone: centre < low ? 'low' : centre > high ? 'high' : 'mid',
      fraction: stat.total > 0 ? c / stat.total : 0,
    };
  });
}

/** "12%" with no decimals above 10%, one below, "<0.1%" for tiny non-zero fractions. */
export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const p = fraction * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return p >= 10 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

// ---- unit activations over text ----

/** The scale a unit's colours use: max |activation| over the text (hidden states are within ±1; cells are not). */
export function activationScale(series: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < series.length; i++) if (Number.isFinite(series[i])) m = Math.max(m, Math.abs(series[i]));
  return m > 0 ? m : 1;
}

/**
 * Background and text colour of a character for activation v on scale s: red–blue diverging (ColorBrewer
 * RdBu, colour-blind safe), positive = blue, negative = red, 0 = white (Karpathy et al.'s convention).
 */
export function activationColors(v: number, scale: number): { background: string; color: string } {
  if (!Number.isFinite(v)) return { background: '#bdbdbd', color: '#111111' };
  const f = Math.max(-1, Math.min(1, v / (scale || 1)));
  const background = interpolateRdBu(0.5 + 0.45 * f);
  const [r, g, b] = parseColor(background);
  return { background, color: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.5 ? '#111111' : '#ffffff' };
}

/** How a character is shown in the coloured text: a newline as ↵ (followed by a real break), a tab as →. */
export function visibleChar(ch: string): string {
  if (ch === '\n') return '↵';
  if (ch === '\t') return '→';
  if (ch === ' ') return '\u00a0';
  return ch;
}

// ---- race ----

export interface RaceRow {
  step: number;
  [series: string]: number | null;
}

/**
 * Rows for a recharts LineChart: { step, s0, s1, … } of one race field, at most `maxRows` (evenly thinned,
 * the newest always kept); NaN and non-positive values on a log axis become null (a gap).
 */
export function raceRows(result: RaceResult, field: 'loss' | 'gradNorm' | 'reach', log: boolean, maxRows = 400): RaceRow[] {
  const n = result.steps;
  const stride = Math.max(1, Math.ceil(n / maxRows));
  const rows: RaceRow[] = [];
  for (let i = 0; i < n; i += stride) rows.push(rowAt(result, field, log, i));
  if (n > 0 && (n - 1) % stride !== 0) rows.push(rowAt(result, field, log, n - 1));
  return rows;
}

function rowAt(result: RaceResult, field: 'loss' | 'gradNorm' | 'reach', log: boolean, i: number): RaceRow {
  const row: RaceRow = { step: i + 1 };
  result.series.forEach((s, k) => {
    const v = s[field][i];
    row[`s${k}`] = Number.isFinite(v) && (!log || v > 0) ? v : null;
  });
  return row;
}

/** The newest ‖∂L/∂h_t‖ profile of each contestant as SvgChart points (x = t). */
export function profilePoints(profile: ArrayLike<number> | null): XY[] {
  if (!profile) return [];
  return Array.from({ length: profile.length }, (_, t) => ({ x: t, y: profile[t] }));
}

// ---- connectivity ----

/** C(t, s) against s (or against the lag t − s when `byLag`). */
export function connectivityPoints(values: ArrayLike<number>, t: number, byLag = false): XY[] {
  return Array.from({ length: values.length }, (_, s) => ({ x: byLag ? t - s : s, y: values[s] }));
}

/**
 * How far back the output still "sees": the smallest lag at which C falls below `fraction` of its largest
 * value and stays below for every longer lag; the whole window when it never does.
 */
export function memorySpan(values: ArrayLike<number>, fraction = 0.01): number {
  const t = values.length - 1;
  let peak = 0;
  for (let s = 0; s <= t; s++) if (Number.isFinite(values[s])) peak = Math.max(peak, values[s]);
  if (!(peak > 0)) return 0;
  let span = 0;
  for (let s = 0; s <= t; s++) {
    if (values[s] >= fraction * peak) {
      span = t - s;
      break;
    }
  }
  return span;
}

// ---- sweep ----

export type SweepField = 'metric' | 'finalLoss' | 'valLoss';

export interface SweepRow {
  value: number;
  [curve: string]: number | null;
}

/**
 * Rows for a recharts LineChart, one per swept value: { value, c0, c1, … } with the chosen quantity of each
 * curve; null where a run diverged, was not run (cancelled) or is not positive on a log axis.
 */
export function sweepRows(result: SweepResult, field: SweepField): SweepRow[] {
  const yLog = field !== 'metric' || !result.higherIsBetter;
  const values = [...new Set(result.curves.flatMap((c) => c.points.map((p) => p.value)))].sort((a, b) => a - b);
  return values.map((value) => {
    const row: SweepRow = { value };
    result.curves.forEach((c, k) => {
      const v = c.points.find((p) => p.value === value)?.[field];
      row[`c${k}`] = v !== undefined && Number.isFinite(v) && (!yLog || v > 0) ? v : null;
    });
    return row;
  });
}

// ---- inspection requests ----

/** The request for the next snapshot: everything as in this one (layer, unit, t, window, text passage, heat map) but the patch. */
export function followUpRequest(snapshot: InspectSnapshot, patch: Partial<InspectRequest>): InspectRequest {
  return {
    layer: snapshot.layer,
    unit: snapshot.unit,
    t: snapshot.connectivity.t,
    window: snapshot.window,
    matrix: snapshot.matrix !== null,
    textLength: snapshot.text ? snapshot.T : undefined,
    ...(snapshot.text ? { textStart: snapshot.text.start } : {}),
    ...patch,
  };
}
