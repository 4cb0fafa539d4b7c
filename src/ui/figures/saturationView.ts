// Pure view logic of the gate saturation figure (SaturationChart.tsx): where each unit's dot sits in a gate's square
// panel (x = fraction of the time left-saturated, y = right-saturated), the counts the figure is read by, the
// figure in words, and its numbers as CSV.
import type { GateSaturation, SaturationFigure, SaturationResult } from '../../core/figures/saturation';
import { SATURATION_MOSTLY, unitsRightSaturated } from '../../core/figures/saturation';
import { SATURATION_HIGH, SATURATION_LOW } from '../../core/inspect/gates';

/** "Most of the time": a unit counts as always remembering when its forget gate is right-saturated more than this. */
export const MOSTLY = SATURATION_MOSTLY;

export interface Dot {
  unit: number;
  x: number; // px from the panel's left: the fraction left-saturated
  y: number; // px from the panel's top: 1 − the fraction right-saturated
}

/** One dot per unit in a square panel of `size` px (both axes 0..1). */
export function dotsOf(gate: GateSaturation, size: number): Dot[] {
  return Array.from(gate.left, (left, unit) => ({ unit, x: left * size, y: (1 - gate.right[unit]) * size }));
}

/** Units of a gate left-saturated more than `fraction` of the time. */
export function unitsLeftSaturated(result: SaturationResult, gate: string, fraction: number, layer = 0): number {
  const g = result.layers[layer]?.gates.find((x) => x.gate === gate);
  return g ? g.left.filter((v) => v > fraction).length : 0;
}

const percent = (x: number) => `${Math.round(100 * x)}%`;

/** One network in words: per gate, how many units are right- and left-saturated most of the time. */
export function describeNetwork(result: SaturationResult, layer = 0): string {
  const gates = result.layers[layer]?.gates ?? [];
  return gates
    .map((g) => `${g.label}: ${unitsRightSaturated(result, g.gate, MOSTLY, layer)} of ${result.H} units above ${SATURATION_HIGH} and ${unitsLeftSaturated(result, g.gate, MOSTLY, layer)} below ${SATURATION_LOW} more than ${percent(MOSTLY)} of the time`)
    .join('; ');
}

/** The figure in words: its accessible name. */
export function describeSaturation(figure: SaturationFigure): string {
  const layers = figure.trained.layers.length;
  const where = `over ${figure.windows} windows of ${figure.windowLength} characters of validation text`;
  const parts = [`Gate saturation ${where}${layers > 1 ? ', bottom layer' : ''}.`, `Trained network: ${describeNetwork(figure.trained)}.`, `Fresh network (same settings and seed, untrained): ${describeNetwork(figure.fresh)}.`];
  return parts.join(' ');
}

/** Every unit's fractions as CSV: one row per network, layer, gate and unit. */
export function saturationCsv(figure: SaturationFigure): string {
  const rows = ['network,layer,gate,unit,fraction_left_saturated,fraction_right_saturated'];
  for (const [name, result] of [['trained', figure.trained], ['fresh', figure.fresh]] as const) {
    for (const layer of result.layers) for (const g of layer.gates) g.left.forEach((left, unit) => rows.push(`${name},${layer.layer},${g.gate},${unit},${left},${g.right[unit]}`));
  }
  return rows.join('\n') + '\n';
}

/** The side of a square panel: three in a row within `width` px (gaps and axis labels between), at most `max`. */
export function panelSize(width: number, gap: number, left: number, max = 150, min = 70): number {
  return Math.max(min, Math.min(max, Math.floor((width - left - 2 * gap) / 3)));
}
