// Pure view logic of the long-lag table (LongLagTable.tsx): each table cell's text, the small log–log chart of the
// training sequences needed against T (the user's cells as dots, the paper's LSTM as open squares), the figure in
// words, and its numbers as CSV.
import type { LongLagEntry, LongLagRow, PaperTable } from '../../core/figures/longLagTable';
import { domainOf, logTicks, project, type Tick } from '../axes';
import { formatSteps } from '../format';
import { PALETTE } from '../palette';
import { CELL_COLORS } from './successView';

/** "5 of 5 solved" and, when any solved, "325 steps" and "5 200 sequences" (means over the solved runs); "not run" with none. */
export function entryText(e: LongLagEntry): { solved: string; steps: string; sequences: string } {
  if (e.runs === 0) return { solved: 'not run', steps: '', sequences: '' };
  const solved = `${e.solved} of ${e.runs} solved`;
  if (e.meanSteps === null || e.meanSequences === null) return { solved, steps: 'none solved', sequences: '' };
  return { solved, steps: `${formatSteps(e.meanSteps)} steps`, sequences: `${formatSteps(e.meanSequences)} sequences` };
}

export interface LongLagDot {
  T: number;
  sequences: number;
  x: number; // px from the plot's left
  y: number; // px from the plot's top
}

export interface LongLagSeries {
  key: string; // a cell, or 'paper'
  label: string;
  color: string;
  paper: boolean; // drawn as open squares
  line: string;
  dots: LongLagDot[];
}

export interface LongLagGeometry {
  xTicks: { T: number; x: number }[];
  yTicks: (Tick & { y: number })[];
  series: LongLagSeries[];
}

/** Sequences needed against T, both on log axes: one series per cell (its solved means) and the paper's LSTM. */
export function longLagGeometry(rows: readonly LongLagRow[], paper: PaperTable, width: number, height: number): LongLagGeometry {
  const Ts = rows.map((r) => r.T);
  const xDomain: [number, number] = [Math.min(...Ts) / 1.25, Math.max(...Ts) * 1.25];
  const all = [...rows.flatMap((r) => r.entries.map((e) => e.meanSequences ?? NaN)), ...paper.rows.map((r) => r.sequences)];
  const yDomain = domainOf(all, true);
  const at = (T: number, sequences: number): LongLagDot => ({
    T,
    sequences,
    x: project(T, xDomain, width, true).px,
    y: height - project(sequences, yDomain, height, true).px,
  });
  const path = (dots: LongLagDot[]) => dots.map((d, j) => `${j === 0 ? 'M' : 'L'}${d.x.toFixed(1)},${d.y.toFixed(1)}`).join('');
  const cells = rows[0]?.entries ?? [];
  const series: LongLagSeries[] = cells.map((c, k) => {
    const dots = rows.flatMap((r) => {
      const e = r.entries[k];
      return e.meanSequences === null ? [] : [at(r.T, e.meanSequences)];
    });
    return { key: c.cell, label: c.label, color: CELL_COLORS[c.cell] ?? PALETTE.grey, paper: false, line: path(dots), dots };
  });
  const paperDots = paper.rows.map((r) => at(r.T, r.sequences));
  series.push({ key: 'paper', label: `LSTM in the paper (Table ${paper.table})`, color: PALETTE.black, paper: true, line: path(paperDots), dots: paperDots });
  return {
    xTicks: Ts.map((T) => ({ T, x: project(T, xDomain, width, true).px })),
    yTicks: logTicks(yDomain[0], yDomain[1], Math.max(3, Math.floor(height / 28))).map((t) => ({ ...t, y: height - project(t.value, yDomain, height, true).px })),
    series,
  };
}

/** The figure in words (the chart's accessible name): per T, each cell's result and the paper's. */
export function describeLongLag(rows: readonly LongLagRow[], paper: PaperTable): string {
  const parts = rows.map((r) => {
    const ours = r.entries.filter((e) => e.runs > 0).map((e) => {
      const t = entryText(e);
      return `${e.label} solved ${e.solved} of ${e.runs}${t.sequences ? `, ${t.steps} · ${t.sequences}` : ''}`;
    });
    const theirs = r.paper ? `the paper's LSTM ${formatSteps(r.paper.sequences)} sequences` : null;
    return `T = ${r.T}: ${[...ours, ...(theirs ? [theirs] : [])].join('; ') || 'not run'}`;
  });
  return `Training sequences needed to solve the task against T, ours beside Table ${paper.table} of the paper. ${parts.join('. ')}.`;
}

/** One row per (T, cell) the user ran, then the paper's rows: its sequences and the table they come from. */
export function longLagCsv(rows: readonly LongLagRow[], paper: PaperTable): string {
  const lines = ['source,task,T,cell,runs,solved,mean_steps,mean_sequences,steps_to_solve'];
  for (const r of rows) {
    for (const e of r.entries) {
      if (e.runs > 0) lines.push(`this page,${paper.task},${r.T},${e.cell},${e.runs},${e.solved},${e.meanSteps ?? ''},${e.meanSequences ?? ''},${e.stepsToSolve.join(' ')}`);
    }
  }
  for (const p of paper.rows) lines.push(`Hochreiter & Schmidhuber 1997 Table ${paper.table},${paper.task},${p.T},lstm,${paper.trials},${paper.trials},,${p.sequences},`);
  return lines.join('\n') + '\n';
}
