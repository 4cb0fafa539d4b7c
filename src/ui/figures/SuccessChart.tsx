// The papers' figures, live: Bengio, Simard & Frasconi 1994's success against sequence length. "Start" trains k
// fresh models per cell and lag T on the adding problem (core/figures/successVsLength.ts: one sweep of T with seeds,
// each run stopped once solved) in the lab worker (src/train/labWorker.ts), on the engine the page runs, and draws
// the fraction solved per T as the runs finish. Pure view logic in successView.ts. Which figure is open is the
// Config's `figure` key, so a link shares it.
import { useMemo, useRef } from 'react';
import { DEFAULT_SUCCESS_LAGS, DEFAULT_SUCCESS_SEEDS, DEFAULT_SUCCESS_STEPS, successConfig, successPlan, successSummary, successVerdict, SUCCESS_SETTINGS } from '../../core/figures/successVsLength';
import { SOLVED_GAP, type SweepPlan, type SweepResult } from '../../core/inspect/sweep';
import { PAPERS } from '../../core/lessons/papers';
import { useSweepWorker } from '../useSweepWorker';
import { useWidth } from '../useWidth';
import { PaperLink } from '../PaperLink';
import { describeSuccess, successCsv, successGeometry } from './successView';
import { FigureExports, FigureSection, FigureVerdictLine } from './FigureSection';
import { LineLegend, PlotAxes } from './PlotAxes';
import { CELL_KINDS, choiceLags, LagSweepControls, LinkNotice, SweepStartButton, SweepStatus, useLinkedChoice, useRunsPage } from './SweepFigureRun';
import './figures.css';

/** The lessons the figure belongs to: vanishing gradients (its cause) and the LSTM (its remedy). */
const SUCCESS_LESSONS = ['vanishing', 'lstm'];

const BUDGETS = [100, 300, 1000, 2000];
const MAX_LAG = 500;
const MARGIN = { left: 52, right: 16, top: 12, bottom: 44 };
const PLOT_HEIGHT = 220;

/** The figure's section: open when the link says figure=success; shown in its lessons, or whenever it is open. */
export function SuccessFigure() {
  return (
    <FigureSection figure="success" lessons={SUCCESS_LESSONS} title="success against sequence length" source={`${PAPERS.bengio1994.cite}, from runs on this machine`}>
      <SuccessLive />
    </FigureSection>
  );
}

function SuccessLive() {
  const page = useRunsPage();
  const { seed } = page;
  const { choice, setChoice, notice, share } = useLinkedChoice(CELL_KINDS, { cells: ['rnn_tanh', 'lstm'], lagText: DEFAULT_SUCCESS_LAGS.join(', '), seeds: DEFAULT_SUCCESS_SEEDS, steps: DEFAULT_SUCCESS_STEPS });
  const { seeds, steps } = choice;
  const sweep = useSweepWorker('rnnlab-success-figure', 'The runs');
  const { plan, result, setError, running } = sweep;

  const start = () => {
    let next: SweepPlan;
    try {
      const lags = choiceLags(choice, MAX_LAG);
      // the runs train where the page's own run does ('auto' resolved by the page once it has an engine)
      next = successPlan(successConfig(page), { cells: choice.cells, lags, seeds, steps });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    share(next.values);
    sweep.start(next);
  };

  return (
    <div className="success-body">
      <p className="success-finding">
        {PAPERS.bengio1994.cite} showed that the longer the span of a dependency, the less often gradient descent learns it: the error signal from far back vanishes, and a
        tanh network’s chance of solving the task within a fixed budget of training falls to zero as T grows. The LSTM’s cell state ({PAPERS.hochreiter1997.cite}) keeps its success up (
        <PaperLink paper={PAPERS.bengio1994} />
        ).
      </p>
      <p className="muted success-settings">
        Each run: a fresh model on the adding problem, H = {SUCCESS_SETTINGS.H}, Adam at lr {SUCCESS_SETTINGS.lr}, clipped at {SUCCESS_SETTINGS.clipAt}, LSTM forget gates chrono-initialised;
        seeds {seed} to {seed + seeds - 1}; solved when it closes {SOLVED_GAP * 100}% of the gap between chance and perfect, checked every 25 steps.
      </p>
      <LinkNotice notice={notice} />
      <div className="success-actions">
        <LagSweepControls figure="success" choice={choice} onChange={setChoice} budgets={BUDGETS} disabled={running} />
        <SweepStartButton figure="success" sweep={sweep} onStart={start} />
      </div>
      <SweepStatus figure="success" sweep={sweep} label="Success figure: runs done" />
      {plan && result && result.curves.some((c) => c.points.length > 0) ? (
        <SuccessChart plan={plan} result={result} />
      ) : (
        !running && <p className="muted">Press Start: {seeds} runs per cell and T, up to {steps} steps each (minutes on the CPU; pausing the main run makes it faster).</p>
      )}
    </div>
  );
}

/** The fraction of runs solved against T (log axis at the sweep's Ts), one line per cell. */
export function SuccessChart({ plan, result }: { plan: SweepPlan; result: SweepResult }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const plotW = Math.max(80, width - MARGIN.left - MARGIN.right);
  const curves = useMemo(() => successSummary(result, plan.values), [result, plan]);
  const g = useMemo(() => successGeometry(curves, plan.values, plotW, PLOT_HEIGHT), [curves, plan, plotW]);
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const runs = result.curves.reduce((n, c) => n + c.points.length, 0);
  const stem = `rnnlab-success-vs-length-${plan.seeds}seeds-${plan.steps}steps`;

  return (
    <figure className="success-chart-figure">
      <FigureVerdictLine figure="success" verdict={successVerdict(curves, plan.seeds ?? 1)} />
      <div ref={ref} className="svg-chart success-chart" role="img" tabIndex={0} aria-label={describeSuccess(curves, plan.steps)} data-testid="success-chart" data-runs={runs}>
        <svg ref={svgRef} width={width} height={height} aria-hidden="true">
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <PlotAxes
              width={plotW}
              height={PLOT_HEIGHT}
              xTicks={g.xTicks.map((t) => ({ key: t.T, at: t.x, label: String(t.T) }))}
              yTicks={g.yTicks.map((t) => ({ key: t.value, at: t.y, label: String(t.value) }))}
              xLabel="lag T (log scale)"
              yLabel="fraction solved"
              yLabelX={-MARGIN.left + 14}
            />
            {g.series.map((s) => (
              <g key={s.cell} data-testid={`success-line-${s.cell}`}>
                <path d={s.line} fill="none" stroke={s.color} strokeWidth={2.25} />
                {s.dots.map((d) => (
                  <circle key={d.T} cx={d.x} cy={d.y} r={4.5} fill={s.color} />
                ))}
              </g>
            ))}
          </g>
        </svg>
        <LineLegend items={g.series.map((s) => ({ key: s.cell, label: s.label, color: s.color }))} />
      </div>
      <FigureExports figure="success" svg={svgRef} stem={stem} title="success against sequence length" csv={() => successCsv(curves)}>
          {runs} of {plan.values.length * plan.contestants.length * (plan.seeds ?? 1)} runs, {plan.seeds} seeds, up to {plan.steps} steps{result.cancelled ? ' (cancelled)' : ''}:
      </FigureExports>
    </figure>
  );
}
