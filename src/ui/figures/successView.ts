// Pure view logic of the success-against-length figure (SuccessChart.tsx): where each (cell, T) fraction sits on
// the chart (T on a log axis at the sweep's own Ts, the fraction solved from 0 to 1), the figure in words, and its
// numbers as CSV.
import type { SuccessCurve } from '../../core/figures/successVsLength';
import type { CellKind } from '../../core/spec';
import { formatValue } from '../format';
import { PALETTE } from '../palette';

export interface SuccessDot {
  T: number;
  fraction: number;
  runs: number;
  solved: number;
  x: number; // px from the plot's left (dodged a little per cell, so equal fractions stay visible)
  y: number; // px from the plot's top
}

export interface SuccessSeries {
  cell: CellKind;
  label: string;
  color: string;
  line: string; // the SVG path through the dots
  dots: SuccessDot[]; // only (cell, T) with a finished run
}

export interface SuccessGeometry {
  xTicks: { T: number; x: number }[];
  yTicks: { value: number; y: number }[];
  series: SuccessSeries[];
}

export const CELL_COLORS: Partial<Record<CellKind, string>> = { rnn_tanh: PALETTE.vermilion, gru: PALETTE.green, lstm: PALETTE.blue };
const DODGE_PX = 5;

/** x of T on a log axis over the Ts (a single T sits in the middle), px from the plot's left. */
export function xOfLag(T: number, lags: readonly number[], width: number): number {
  const lo = Math.min(...lags);
  const hi = Math.max(...lags);
  if (!(hi > lo)) return width / 2;
  const pad = 0.06 * width;
  return pad + ((Math.log(T) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (width - 2 * pad);
}

/** y of a fraction in [0, 1], px from the plot's top. */
export function yOfFraction(fraction: number, height: number): number {
  return height - Math.min(1, Math.max(0, fraction)) * height;
}

export function successGeometry(curves: readonly SuccessCurve[], lags: readonly number[], width: number, height: number): SuccessGeometry {
  const Ts = [...new Set(lags)].sort((a, b) => a - b);
  const series = curves.map((curve, i) => {
    const dodge = (i - (curves.length - 1) / 2) * DODGE_PX;
    const dots = curve.points
      .filter((p) => p.runs > 0)
      .map((p) => ({ T: p.T, fraction: p.fraction, runs: p.runs, solved: p.solved, x: xOfLag(p.T, Ts, width) + dodge, y: yOfFraction(p.fraction, height) }));
    return {
      cell: curve.cell,
      label: curve.label,
      color: CELL_COLORS[curve.cell] ?? PALETTE.grey,
      line: dots.map((d, j) => `${j === 0 ? 'M' : 'L'}${d.x.toFixed(1)},${d.y.toFixed(1)}`).join(''),
      dots,
    };
  });
  return {
    xTicks: Ts.map((T) => ({ T, x: xOfLag(T, Ts, width) })),
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, y: yOfFraction(value, height) })),
    series,
  };
}

/** The figure in words (its accessible name): per cell, runs solved of runs at each T. */
export function describeSuccess(curves: readonly SuccessCurve[], steps: number): string {
  const perCell = curves
    .map((c) => ({ label: c.label, points: c.points.filter((p) => p.runs > 0) }))
    .filter((c) => c.points.length > 0)
    .map((c) => `${c.label}: ${c.points.map((p) => `T = ${p.T}, ${p.solved} of ${p.runs} solved (${formatValue(p.fraction, 2)})`).join('; ')}`);
  if (perCell.length === 0) return `Fraction of runs solved within ${steps} steps against the lag T: no run has finished yet`;
  return `Fraction of runs solved within ${steps} steps against the lag T. ${perCell.join('. ')}`;
}

/** One row per (cell, T): runs, solved, the fraction, and the steps each solved run took (space-separated). */
export function successCsv(curves: readonly SuccessCurve[]): string {
  const rows = ['cell,T,runs,solved,fraction,steps_to_solve,diverged'];
  for (const c of curves) for (const p of c.points) if (p.runs > 0) rows.push(`${c.cell},${p.T},${p.runs},${p.solved},${p.fraction},${p.stepsToSolve.join(' ')},${p.diverged}`);
  return rows.join('\n') + '\n';
}
