// Pure view logic of the cliff figure (CliffChart.tsx): the two log–log panels (gradient norm and loss against
// σ_max), where the current point and its raw and clipped steps sit, the single-unit surface's cells, the figure
// in words, and its numbers as CSV.
import { CLIFF_SIGMA_RANGE, type CliffResult, type Surface } from '../../core/figures/cliff';
import { domainOf, linearTicks, logTicks, project, withLabels, type Placement, type Tick } from '../axes';
import { colorOf, type Rgb } from '../colormap';
import { formatValue } from '../format';

export interface PanelPoint {
  x: number; // px from the plot's left
  y: number; // px from the plot's top
  placement: Placement; // of the value (a landing off the chart is pinned to its edge)
}

export interface Panel {
  yDomain: [number, number];
  yTicks: Tick[];
  line: string; // the SVG path of the curve
  current: PanelPoint;
}

export interface CliffGeometry {
  width: number; // plot width, px
  height: number; // plot height of each panel, px
  xTicks: Tick[];
  /** x of σ_max = 1, where tanh's bifurcation is expected. */
  xOne: number;
  gradNorm: Panel;
  loss: Panel & { raw: PanelPoint; clipped: PanelPoint };
}

const X_DOMAIN: [number, number] = [CLIFF_SIGMA_RANGE[0], CLIFF_SIGMA_RANGE[1]];

/** A log y domain: whole decades when the values span one or more, else a tight one (the loss barely moves). */
function yAxis(values: number[], height: number): { domain: [number, number]; ticks: Tick[] } {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (finite.length && hi / lo < 10) {
    const domain: [number, number] = [lo / 1.05, hi * 1.05];
    const values = linearTicks(domain[0], domain[1], Math.max(2, Math.floor(height / 40))).map((t) => t.value).filter((v) => v >= domain[0] && v <= domain[1]);
    return { domain, ticks: withLabels(values) };
  }
  const domain = domainOf(finite, true);
  return { domain, ticks: logTicks(domain[0], domain[1], Math.max(3, Math.floor(height / 24))) };
}

function place(x: number, y: number, yDomain: [number, number], width: number, height: number): PanelPoint {
  const px = project(x, X_DOMAIN, width, true);
  const py = project(y, yDomain, height, true);
  const placement = px.placement !== 'in' ? px.placement : py.placement;
  return { x: px.px, y: height - py.px, placement };
}

function pathThrough(points: PanelPoint[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('');
}

export function cliffGeometry(result: CliffResult, width: number, height: number): CliffGeometry {
  const { points, current } = result;
  const grad = yAxis(points.map((p) => p.gradNorm).concat(current.gradNorm), height);
  const loss = yAxis(points.map((p) => p.loss).concat(current.from.loss, current.raw.loss, current.clipped.loss), height);
  const gradPoints = points.map((p) => place(p.sigmaMax, p.gradNorm, grad.domain, width, height));
  const lossPoints = points.map((p) => place(p.sigmaMax, p.loss, loss.domain, width, height));
  return {
    width,
    height,
    xTicks: logTicks(X_DOMAIN[0], X_DOMAIN[1]),
    xOne: project(1, X_DOMAIN, width, true).px,
    gradNorm: { yDomain: grad.domain, yTicks: grad.ticks, line: pathThrough(gradPoints), current: place(current.from.sigmaMax, current.gradNorm, grad.domain, width, height) },
    loss: {
      yDomain: loss.domain,
      yTicks: loss.ticks,
      line: pathThrough(lossPoints),
      current: place(current.from.sigmaMax, current.from.loss, loss.domain, width, height),
      raw: place(current.raw.sigmaMax, current.raw.loss, loss.domain, width, height),
      clipped: place(current.clipped.sigmaMax, current.clipped.loss, loss.domain, width, height),
    },
  };
}

/** y of a value on a panel (px from its top). */
export function yOf(value: number, panel: Pick<Panel, 'yDomain'>, height: number): number {
  return height - project(value, panel.yDomain, height, true).px;
}

/** x of a σ_max (px from the plot's left). */
export function xOf(sigmaMax: number, width: number): number {
  return project(sigmaMax, X_DOMAIN, width, true).px;
}

/** The largest rise of the gradient norm: the curve's largest over its smallest (finite, positive) values. */
export function gradientRise(result: CliffResult): number {
  const g = result.points.map((p) => p.gradNorm).filter((v) => Number.isFinite(v) && v > 0);
  return g.length ? Math.max(...g) / Math.min(...g) : NaN;
}

/** The figure in words: its accessible name, and what a reader of the numbers needs. */
export function describeCliff(result: CliffResult): string {
  const { points, current } = result;
  const first = points[0];
  const last = points[points.length - 1];
  return (
    `The cliff: gradient norm and loss of this network with W_rec rescaled to σ_max from ${formatValue(first.sigmaMax)} to ${formatValue(last.sigmaMax)}, ${points.length} points; ` +
    `gradient norm ${formatValue(first.gradNorm)} at σ_max ${formatValue(first.sigmaMax)}, ${formatValue(last.gradNorm)} at ${formatValue(last.sigmaMax)} ` +
    `(it rises ${formatValue(gradientRise(result))}-fold); loss ${formatValue(first.loss)} to ${formatValue(last.loss)}. ` +
    `From the current σ_max ${formatValue(current.from.sigmaMax)} (gradient norm ${formatValue(current.gradNorm)}, loss ${formatValue(current.from.loss)}), ` +
    `a gradient step with lr ${formatValue(current.lr)} lands at σ_max ${formatValue(current.raw.sigmaMax)}, loss ${formatValue(current.raw.loss)}; ` +
    `clipped at ${formatValue(current.clipAt)}, at σ_max ${formatValue(current.clipped.sigmaMax)}, loss ${formatValue(current.clipped.loss)}`
  );
}

/** The curve and the step as CSV: one row per point; the current point and both landings marked by `kind`. */
export function cliffCsv(result: CliffResult): string {
  const rows = ['kind,sigma_max,loss,grad_norm'];
  for (const p of result.points) rows.push(`curve,${p.sigmaMax},${p.loss},${p.gradNorm}`);
  const { current } = result;
  rows.push(`current,${current.from.sigmaMax},${current.from.loss},${current.gradNorm}`);
  rows.push(`raw_step_lr_${current.lr},${current.raw.sigmaMax},${current.raw.loss},`);
  rows.push(`clipped_step_at_${current.clipAt},${current.clipped.sigmaMax},${current.clipped.loss},`);
  return rows.join('\n') + '\n';
}

export interface SurfaceCell {
  column: number;
  row: number; // 0 = the largest b (drawn at the top)
  rgb: Rgb;
}

/** The single-unit surface's cells coloured by log10 of the loss, and the colour range [lo, hi] (exponents). */
export function surfaceCells(surface: Surface, lut: Uint8Array): { cells: SurfaceCell[]; lo: number; hi: number } {
  const positive = Array.from(surface.loss).filter((l) => l > 0 && Number.isFinite(l));
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const W = surface.w.length;
  const R = surface.b.length;
  const cells: SurfaceCell[] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < W; c++) cells.push({ column: c, row: R - 1 - r, rgb: colorOf(surface.loss[r * W + c], lo, hi, lut) });
  return { cells, lo, hi };
}
