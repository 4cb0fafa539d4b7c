// The first of the papers' figures, live: Pascanu, Mikolov & Bengio 2013's cliff, from the network on the page.
// "Compute the cliff" asks the training worker (computeCliff) for the loss and the gradient norm of the live
// network with its W_rec rescaled along σ_max, and where a raw and a clipped gradient step from the current point
// land; beside it the paper's single-unit surface. Pure view logic in cliffView.ts. Which figure is open is the
// Config's `figure` key, so a link shares it.
import { useMemo, useRef } from 'react';
import { cliffVerdict, singleUnitSurface, SINGLE_UNIT, SURFACE_GRID, type CliffResult } from '../../core/figures/cliff';
import { PAPERS } from '../../core/lessons/papers';
import { computeCliff } from '../../state/controller';
import { useStore } from '../../state/store';
import { powerOfTenLabel } from '../axes';
import { buildLut } from '../colormap';
import { runFileStem } from '../export/chartFiles';
import { formatValue } from '../format';
import { PALETTE } from '../palette';
import { useWidth } from '../useWidth';
import { PaperLink } from '../PaperLink';
import { cliffCsv, cliffGeometry, describeCliff, surfaceCells, xOf, yOf, type Panel, type PanelPoint } from './cliffView';
import { FigureExports, FigureSection, FigureVerdictLine } from './FigureSection';
import { useFigureRequest } from './useFigureRequest';
import './figures.css';

/** The lessons the cliff belongs to: clipping (its remedy) and exploding gradients (where the wall is). */
const CLIFF_LESSONS = ['clipping', 'exploding'];

const LUT = buildLut();
const MARGIN = { left: 62, right: 16, top: 12, bottom: 44 };
const PANEL_HEIGHT = 150;
const PANEL_GAP = 26;

/** The figure's section: open when the link says figure=cliff; shown in its lessons, or whenever it is open. */
export function CliffFigure() {
  return (
    <FigureSection figure="cliff" lessons={CLIFF_LESSONS} title="the cliff" source={`${PAPERS.pascanu2013.cite}, from this network`}>
      <CliffLive />
    </FigureSection>
  );
}

function CliffLive() {
  const { answer, progress, error, busy, compute, cancel } = useFigureRequest(computeCliff);

  return (
    <div className="cliff-body">
      <p className="cliff-finding">
        {PAPERS.pascanu2013.cite} found that the loss of a recurrent network has a steep wall where its dynamics bifurcate (σ_max(W_rec) near 1 for tanh): a gradient step
        that hits the wall is huge and throws the parameters far away, and clipping the gradient’s norm keeps that step short (
        <PaperLink paper={PAPERS.pascanu2013} />
        ).
      </p>
      <div className="cliff-actions">
        <button type="button" className="primary" onClick={compute} disabled={busy} data-testid="cliff-compute">
          Compute the cliff
        </button>
        {progress && (
          <>
            <progress max={progress.total} value={progress.done} aria-label="Cliff: evaluations done" data-testid="cliff-progress" />
            <button type="button" onClick={cancel} data-testid="cliff-cancel">
              Cancel
            </button>
          </>
        )}
        {error && (
          <span className="cliff-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="cliff-views">
        {answer ? <CliffChart result={answer.result} step={answer.step} /> : <p className="muted cliff-empty">The live network, rescaled along σ_max from 0.1 to 10: press Compute (training waits meanwhile).</p>}
        <SurfaceChart />
      </div>
    </div>
  );
}

/** Gradient norm (top) and loss (bottom) against σ_max, both log–log, with the current point and its two steps. */
export function CliffChart({ result, step }: { result: CliffResult; step: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const task = useStore((s) => s.config.task);
  const cell = useStore((s) => s.config.cell);
  const plotW = Math.max(80, width - MARGIN.left - MARGIN.right);
  const g = useMemo(() => cliffGeometry(result, plotW, PANEL_HEIGHT), [result, plotW]);
  const height = MARGIN.top + 2 * PANEL_HEIGHT + PANEL_GAP + MARGIN.bottom;
  const label = describeCliff(result);
  const stem = `${runFileStem(task, cell, step)}-cliff`;
  const { current } = result;

  return (
    <figure className="cliff-chart-figure">
      <FigureVerdictLine figure="cliff" verdict={cliffVerdict(result.points)} />
      <div ref={ref} className="svg-chart cliff-chart" role="img" tabIndex={0} aria-label={label} data-testid="cliff-chart" data-points={result.points.length}>
        <svg ref={svgRef} width={width} height={height} aria-hidden="true">
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <PanelAxes panel={g.gradNorm} width={plotW} title="‖∇L‖" xOne={g.xOne} currentX={g.loss.current.x} />
            <path d={g.gradNorm.line} fill="none" stroke={PALETTE.blue} strokeWidth={2.25} data-testid="cliff-grad-line" />
            <circle cx={g.gradNorm.current.x} cy={g.gradNorm.current.y} r={5} fill={PALETTE.black} />
            <g transform={`translate(0,${PANEL_HEIGHT + PANEL_GAP})`}>
              <PanelAxes panel={g.loss} width={plotW} title="loss" xOne={g.xOne} currentX={g.loss.current.x} />
              <path d={g.loss.line} fill="none" stroke={PALETTE.purple} strokeWidth={2.25} data-testid="cliff-loss-line" />
              <StepArrow from={g.loss.current} to={g.loss.raw} color={PALETTE.vermilion} dashed />
              <StepArrow from={g.loss.current} to={g.loss.clipped} color={PALETTE.green} />
              <circle cx={g.loss.current.x} cy={g.loss.current.y} r={5} fill={PALETTE.black} />
              {g.xTicks.map((t) => (
                <text key={t.value} x={xOf(t.value, plotW)} y={PANEL_HEIGHT + 18} className="tick" textAnchor="middle">
                  {t.label}
                </text>
              ))}
              <text x={plotW / 2} y={PANEL_HEIGHT + 38} className="axis-label" textAnchor="middle">
                σ_max(W_rec), log scale (the network rescaled to it)
              </text>
            </g>
          </g>
        </svg>
        <div className="legend">
          <span className="legend-item">
            <Swatch color={PALETTE.blue} /> gradient norm
          </span>
          <span className="legend-item">
            <Swatch color={PALETTE.purple} /> loss
          </span>
          <span className="legend-item">● now: σ_max {formatValue(current.from.sigmaMax)}, ‖∇L‖ {formatValue(current.gradNorm)}</span>
          <span className="legend-item">
            <Swatch color={PALETTE.vermilion} dashed /> raw step (lr {formatValue(current.lr)}) → σ_max {formatValue(current.raw.sigmaMax)}
          </span>
          <span className="legend-item">
            <Swatch color={PALETTE.green} /> clipped at {formatValue(current.clipAt)} → σ_max {formatValue(current.clipped.sigmaMax)}
          </span>
        </div>
      </div>
      <FigureExports figure="cliff" svg={svgRef} stem={stem} title="cliff" csv={() => cliffCsv(result)}>
        Step {step}, {result.points.length} points:
      </FigureExports>
    </figure>
  );
}

function PanelAxes({ panel, width, title, xOne, currentX }: { panel: Panel; width: number; title: string; xOne: number; currentX: number }) {
  return (
    <>
      {panel.yTicks.map((t) => {
        const y = yOf(t.value, panel, PANEL_HEIGHT);
        return (
          <g key={t.value}>
            <line x1={0} x2={width} y1={y} y2={y} className="grid" />
            <text x={-8} y={y} className="tick" textAnchor="end" dominantBaseline="middle">
              {t.label}
            </text>
          </g>
        );
      })}
      <line x1={0} x2={width} y1={PANEL_HEIGHT} y2={PANEL_HEIGHT} className="axis" />
      <line x1={0} x2={0} y1={0} y2={PANEL_HEIGHT} className="axis" />
      <line x1={xOne} x2={xOne} y1={0} y2={PANEL_HEIGHT} className="guide" />
      <text x={xOne + 4} y={12} className="guide-label">
        σ_max = 1
      </text>
      <line x1={currentX} x2={currentX} y1={0} y2={PANEL_HEIGHT} stroke={PALETTE.grey} strokeWidth={1.5} />
      <text transform={`translate(${-MARGIN.left + 14},${PANEL_HEIGHT / 2}) rotate(-90)`} className="axis-label" textAnchor="middle">
        {title} (log)
      </text>
    </>
  );
}

/** An arrow from the current point to where a step lands (an open head when the landing is off the chart). */
function StepArrow({ from, to, color, dashed }: { from: PanelPoint; to: PanelPoint; color: string; dashed?: boolean }) {
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const head = (a: number) => `${to.x - 10 * Math.cos(angle + a)},${to.y - 10 * Math.sin(angle + a)}`;
  return (
    <g>
      <line x1={from.x} y1={from.y} x2={to.x} y2={to.y} stroke={color} strokeWidth={2.5} strokeDasharray={dashed ? '6 4' : undefined} />
      <path d={`M${head(0.45)}L${to.x},${to.y}L${head(-0.45)}`} fill={to.placement === 'in' ? color : 'none'} stroke={color} strokeWidth={2} />
    </g>
  );
}

function Swatch({ color, dashed }: { color: string; dashed?: boolean }) {
  return (
    <svg width="22" height="10" aria-hidden="true">
      <line x1="1" x2="21" y1="5" y2="5" stroke={color} strokeWidth="3" strokeDasharray={dashed ? '5 3' : undefined} />
    </svg>
  );
}

/** The paper's single unit x_t = w·σ(x_{t−1}) + b: the loss (x_T − target)² over (w, b), log colour. */
function SurfaceChart() {
  const surface = useMemo(() => singleUnitSurface(), []);
  const { cells, lo, hi } = useMemo(() => surfaceCells(surface, LUT), [surface]);
  const cell = 5;
  const W = surface.w.length;
  const R = surface.b.length;
  const left = 40;
  const bottom = 34;
  const label = `The single unit x_t = w·σ(x_{t−1}) + b of ${PAPERS.pascanu2013.cite}: the loss (x_${SINGLE_UNIT.T} − ${SINGLE_UNIT.target})² from x_0 = ${SINGLE_UNIT.x0}, w from ${SURFACE_GRID.w[0]} to ${SURFACE_GRID.w[1]}, b from ${SURFACE_GRID.b[0]} to ${SURFACE_GRID.b[1]}, colour log10 of the loss from ${lo} to ${hi}; past w = 4 a sharp edge along b ≈ −w/2 where x_T jumps between two stable states`;
  return (
    <figure className="cliff-surface" role="img" tabIndex={0} aria-label={label} data-testid="cliff-surface">
      <svg width={left + W * cell + 8} height={R * cell + bottom + 8} aria-hidden="true">
        <g transform={`translate(${left},4)`}>
          {cells.map((c) => (
            <rect key={`${c.row}-${c.column}`} x={c.column * cell} y={c.row * cell} width={cell} height={cell} fill={`rgb(${c.rgb.join(',')})`} />
          ))}
          <text x={0} y={R * cell + 14} className="tick">
            {SURFACE_GRID.w[0]}
          </text>
          <text x={W * cell} y={R * cell + 14} className="tick" textAnchor="end">
            {SURFACE_GRID.w[1]}
          </text>
          <text x={(W * cell) / 2} y={R * cell + 28} className="axis-label" textAnchor="middle">
            w
          </text>
          <text x={-6} y={8} className="tick" textAnchor="end">
            {SURFACE_GRID.b[1]}
          </text>
          <text x={-6} y={R * cell} className="tick" textAnchor="end">
            {SURFACE_GRID.b[0]}
          </text>
          <text transform={`translate(-26,${(R * cell) / 2}) rotate(-90)`} className="axis-label" textAnchor="middle">
            b
          </text>
        </g>
      </svg>
      <figcaption className="muted">
        One unit, x_t = w·σ(x_(t−1)) + b: loss {powerOfTenLabel(lo)} (dark) to {powerOfTenLabel(hi)} (yellow), log colour; the sharp edge is the wall.
      </figcaption>
    </figure>
  );
}
