// The papers' figure 4, live: Karpathy, Johnson & Fei-Fei 2015's gate saturation, in the char lesson. "Compute" asks
// the training worker (computeSaturation) for, per unit, the fraction of the validation text each gate spends below
// 0.1 and above 0.9, for the live network (the shipped checkpoint when the lesson opens) and the same network
// freshly initialised; one scatter panel per gate (forget, input, output), the trained row above the fresh one.
// Pure view logic in saturationView.ts. Which figure is open is the Config's `figure` key, so a link shares it.
import { useRef } from 'react';
import { saturationVerdict, type SaturationFigure as Figure, type SaturationResult } from '../../core/figures/saturation';
import { SATURATION_HIGH, SATURATION_LOW } from '../../core/inspect/gates';
import { PAPERS } from '../../core/lessons/papers';
import { computeSaturation } from '../../state/controller';
import { useStore } from '../../state/store';
import { runFileStem } from '../export/chartFiles';
import { LAYER_COLORS } from '../palette';
import { useWidth } from '../useWidth';
import { PaperLink } from '../PaperLink';
import { describeSaturation, dotsOf, MOSTLY, panelSize, saturationCsv } from './saturationView';
import { FigureExports, FigureSection, FigureVerdictLine } from './FigureSection';
import { useFigureRequest } from './useFigureRequest';
import './figures.css';

/** The lessons the figure belongs to: the char-RNN lesson (its shipped checkpoint is the trained network). */
const SATURATION_LESSONS = ['char'];

const LEFT = 44; // room for the y ticks and label
const GAP = 22;
const ROW_TITLE = 38; // the row's title, then the panels' titles
const ROW_BOTTOM = 40; // x ticks and label
const ROW_GAP = 10;

/** The figure's section: open when the link says figure=saturation; shown in its lesson, or whenever it is open. */
export function SaturationFigure() {
  return (
    <FigureSection figure="saturation" lessons={SATURATION_LESSONS} title="gate saturation" source={`${PAPERS.karpathy2015b.cite}, from this network`}>
      <SaturationLive />
    </FigureSection>
  );
}

function SaturationLive() {
  const { answer, progress, error, busy, compute } = useFigureRequest((onProgress) => ({ reply: computeSaturation(onProgress) }));

  return (
    <div className="cliff-body">
      <p className="cliff-finding">
        {PAPERS.karpathy2015b.cite} found that a trained LSTM has units whose forget gate is right-saturated (above {SATURATION_HIGH}) most of the time: cells that remember their
        content for long stretches, which a network at initialisation does not have (
        <PaperLink paper={PAPERS.karpathy2015b} />
        , Fig. 4).
      </p>
      <div className="cliff-actions">
        <button type="button" className="primary" onClick={compute} disabled={busy} data-testid="saturation-compute">
          Compute gate saturation
        </button>
        {progress && <progress max={progress.total} value={progress.done} aria-label="Gate saturation: forward passes done" data-testid="saturation-progress" />}
        {error && (
          <span className="cliff-error" role="alert">
            {error}
          </span>
        )}
      </div>
      {answer ? (
        <SaturationChart figure={answer.result} step={answer.step} />
      ) : (
        <p className="muted cliff-empty">This network and the same one freshly initialised, over the validation text: press Compute (training waits meanwhile).</p>
      )}
    </div>
  );
}

/** Two rows (trained, fresh) of one square scatter panel per gate: x = fraction left-saturated, y = right-saturated. */
export function SaturationChart({ figure, step }: { figure: Figure; step: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const task = useStore((s) => s.config.task);
  const cell = useStore((s) => s.config.cell);
  const size = panelSize(width, GAP, LEFT);
  const rowHeight = ROW_TITLE + size + ROW_BOTTOM;
  const height = 2 * rowHeight + ROW_GAP;
  const svgWidth = LEFT + 3 * size + 2 * GAP + 8;
  const stem = `${runFileStem(task, cell, step)}-gate-saturation`;
  const rows: { name: string; title: string; result: SaturationResult }[] = [
    { name: 'trained', title: `Trained: this network, step ${step} (${figure.engines.trained.toUpperCase()})`, result: figure.trained },
    { name: 'fresh', title: `Fresh: same seed, untrained (${figure.engines.fresh.toUpperCase()})`, result: figure.fresh },
  ];
  const layers = figure.trained.layers.length;

  return (
    <figure className="saturation-chart-figure">
      <FigureVerdictLine figure="saturation" verdict={saturationVerdict(figure)} />
      <div ref={ref} className="svg-chart saturation-chart" role="img" tabIndex={0} aria-label={describeSaturation(figure)} data-testid="saturation-chart">
        <svg ref={svgRef} width={svgWidth} height={height} aria-hidden="true">
          {rows.map((row, r) => (
            <g key={row.name} transform={`translate(0,${r * (rowHeight + ROW_GAP)})`} data-testid={`saturation-row-${row.name}`}>
              <text x={LEFT} y={14} className="row-title">
                {row.title}
              </text>
              {row.result.layers[0].gates.map((g, k) => (
                <g key={g.gate} transform={`translate(${LEFT + k * (size + GAP)},${ROW_TITLE})`} data-testid={`saturation-panel-${row.name}-${g.gate}`}>
                  <rect x={0} y={0} width={size} height={size} fill="none" className="axis" />
                  {/* a unit cannot be saturated both ways more than all of the time: the dots stay below x + y = 1 */}
                  <line x1={0} y1={0} x2={size} y2={size} className="grid" />
                  <line x1={0} x2={size} y1={(1 - MOSTLY) * size} y2={(1 - MOSTLY) * size} className="guide" />
                  {row.result.layers.map((layer) =>
                    dotsOf(layer.gates[k], size).map((d) => <circle key={`${layer.layer}-${d.unit}`} cx={d.x} cy={d.y} r={3} fill={LAYER_COLORS[layer.layer % LAYER_COLORS.length]} fillOpacity={0.7} />),
                  )}
                  <text x={size / 2} y={-6} className="panel-title" textAnchor="middle">
                    {g.label}
                  </text>
                  <text x={0} y={size + 13} className="tick">
                    0
                  </text>
                  <text x={size} y={size + 13} className="tick" textAnchor="end">
                    1
                  </text>
                  <text x={size / 2} y={size + 28} className="axis-label" textAnchor="middle">
                    {`left (< ${SATURATION_LOW})`}
                  </text>
                  {k === 0 && (
                    <>
                      <text x={-5} y={8} className="tick" textAnchor="end">
                        1
                      </text>
                      <text x={-5} y={size} className="tick" textAnchor="end">
                        0
                      </text>
                      <text transform={`translate(-18,${size / 2}) rotate(-90)`} className="axis-label" textAnchor="middle">
                        {`right (> ${SATURATION_HIGH})`}
                      </text>
                    </>
                  )}
                </g>
              ))}
            </g>
          ))}
        </svg>
        <div className="legend">
          <span className="legend-item">one dot per unit: the fraction of the time its gate is below {SATURATION_LOW} (x) and above {SATURATION_HIGH} (y)</span>
          <span className="legend-item saturation-guide-legend">
            - - - right-saturated {Math.round(MOSTLY * 100)}% of the time
          </span>
          {layers > 1 &&
            figure.trained.layers.map((l) => (
              <span key={l.layer} className="legend-item">
                <svg width="10" height="10" aria-hidden="true">
                  <circle cx="5" cy="5" r="4" fill={LAYER_COLORS[l.layer % LAYER_COLORS.length]} />
                </svg>
                layer {l.layer + 1}
              </span>
            ))}
        </div>
      </div>
      <FigureExports figure="saturation" svg={svgRef} stem={stem} title="gate saturation" csv={() => saturationCsv(figure)}>
          Step {step}, {figure.windows} windows of {figure.windowLength} characters:
      </FigureExports>
    </figure>
  );
}
