// Pure view logic of the LSTM variants figure (VariantsChart.tsx): one horizontal box per variant on an axis of final
// validation loss (log once the losses spread over more than a factor LOG_SPREAD), each run a dot, diverged runs as
// marks at the right edge, V's middle half as a band across every row; the figure in words; its runs as CSV.
import type { OurVerdict, VariantBox } from '../../core/figures/variantsCompared';
import { linearTicks, project, withLabels, type Tick } from '../axes';
import { formatValue } from '../format';
import { PALETTE } from '../palette';

/** Above this ratio of largest to smallest loss the axis is logarithmic. */
export const LOG_SPREAD = 3;
export const ROW_HEIGHT = 30;
const BOX_HALF = 8; // px, half the box's height
const DOT_SPREAD = 6; // px, dots fan out vertically within the box

export const VERDICT_COLORS: Record<OurVerdict, string> = {
  reference: PALETTE.blue,
  worse: PALETTE.vermilion,
  'about the same': PALETTE.sky,
  better: PALETTE.green,
  pending: PALETTE.grey,
};

export interface BoxRow {
  variant: string;
  name: string;
  color: string;
  y: number; // px, the row's centre
  box: { x1: number; xq1: number; xMedian: number; xq3: number; x2: number; top: number; bottom: number } | null;
  dots: { seed: number; x: number; y: number }[];
  diverged: number; // runs drawn as marks at the right edge
}

export interface VariantsGeometry {
  log: boolean;
  domain: [number, number];
  ticks: (Tick & { x: number })[];
  rows: BoxRow[];
  band: { x1: number; x2: number } | null; // V's middle half
  height: number;
}

/** Ticks at 1, 2 and 5 × 10ⁿ inside [lo, hi] (lo > 0); the two ends when none fall inside. */
export function logTicks125(lo: number, hi: number): Tick[] {
  const values: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (v >= lo && v <= hi) values.push(v);
    }
  }
  return withLabels(values.length >= 2 ? values : [lo, hi].map((v) => Number(v.toPrecision(2))));
}

/** The loss axis for all the finished runs: its scale, domain and ticks. */
export function lossAxis(values: readonly number[]): { log: boolean; domain: [number, number]; ticks: Tick[] } {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return { log: false, domain: [0, 1], ticks: linearTicks(0, 1) };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi / lo > LOG_SPREAD) {
    const domain: [number, number] = [lo / 1.15, hi * 1.15];
    return { log: true, domain, ticks: logTicks125(...domain) };
  }
  const pad = Math.max((hi - lo) * 0.1, hi * 0.01);
  const domain: [number, number] = [lo - pad, hi + pad];
  return { log: false, domain, ticks: linearTicks(...domain, 4).filter((t) => t.value >= domain[0] && t.value <= domain[1]) };
}

export function variantsGeometry(boxes: readonly VariantBox[], width: number): VariantsGeometry {
  const axis = lossAxis(boxes.flatMap((b) => b.runs.map((r) => r.valLoss)));
  const x = (v: number) => project(v, axis.domain, width, axis.log).px;
  const rows = boxes.map((b, i) => {
    const y = (i + 0.5) * ROW_HEIGHT;
    const finished = b.runs.filter((r) => r.diverged === null && Number.isFinite(r.valLoss));
    return {
      variant: b.variant,
      name: b.name,
      color: VERDICT_COLORS[b.ours],
      y,
      box: b.box && { x1: x(b.box.min), xq1: x(b.box.q1), xMedian: x(b.box.median), xq3: x(b.box.q3), x2: x(b.box.max), top: y - BOX_HALF, bottom: y + BOX_HALF },
      dots: finished.map((r, j) => ({ seed: r.seed, x: x(r.valLoss), y: y + (finished.length > 1 ? (j / (finished.length - 1) - 0.5) * DOT_SPREAD : 0) })),
      diverged: b.divergedSeeds.length,
    };
  });
  const reference = boxes.find((b) => b.ours === 'reference')?.box;
  return {
    log: axis.log,
    domain: axis.domain,
    ticks: axis.ticks.map((t) => ({ ...t, x: x(t.value) })),
    rows,
    band: reference ? { x1: x(reference.q1), x2: x(reference.q3) } : null,
    height: boxes.length * ROW_HEIGHT,
  };
}

const PAPER_WORDS = { reference: 'the reference', worse: 'worse', 'worse on some datasets': 'worse on some datasets', 'no significant difference': 'no significant difference' } as const;

/** The figure in words (its accessible name): per variant its runs' median and middle half, our verdict and the paper's. */
export function describeVariants(boxes: readonly VariantBox[], steps: number): string {
  const rows = boxes
    .filter((b) => b.runs.length > 0)
    .map((b) => {
      const spread = b.box ? `median ${formatValue(b.box.median)}, middle half ${formatValue(b.box.q1)}–${formatValue(b.box.q3)}` : 'no finished run';
      const diverged = b.divergedSeeds.length ? `, ${b.divergedSeeds.length} of ${b.runs.length} diverged` : '';
      const verdict = b.ours === 'reference' ? 'the reference' : `ours ${b.ours}, paper ${PAPER_WORDS[b.paper]}`;
      return `${b.name}: ${b.runs.length} runs, ${spread}${diverged}; ${verdict}`;
    });
  const head = `Final validation loss after ${steps} steps on the never-reset Reber stream, one box per LSTM variant`;
  return rows.length ? `${head}. ${rows.join('. ')}` : `${head}: no run has finished yet`;
}

/** One row per finished run. */
export function variantsCsv(boxes: readonly VariantBox[]): string {
  const rows = ['variant,seed,final_val_loss,final_train_loss,accuracy,diverged'];
  const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (const b of boxes) for (const r of b.runs) rows.push(`${b.variant},${r.seed},${r.valLoss},${r.trainLoss},${r.accuracy},${r.diverged === null ? '' : quoted(r.diverged)}`);
  return rows.join('\n') + '\n';
}
