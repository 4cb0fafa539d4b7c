// The papers' figures, live: Hochreiter & Schmidhuber 1997's adding and temporal-order results (Tables 7 and 9).
// "Start" trains k fresh models per cell and lag T on the chosen task (core/figures/longLagTable.ts: the success
// figure's sweep on that task) in the lab worker, on the engine the page runs; the table puts, per T and cell, how
// many runs solved the task and the steps and sequences they needed beside the paper's LSTM, and a small log–log
// chart draws the same. The verdict under it is computed from the runs. Pure view logic in longLagView.ts.
import { useMemo, useRef, useState } from 'react';
import { DEFAULT_LONG_LAG_STEPS, DEFAULT_LONG_LAGS, LONG_LAG_TASKS, longLagPlan, longLagRows, longLagVerdict, PAPER_TABLES, type LongLagRow, type LongLagTask } from '../../core/figures/longLagTable';
import { DEFAULT_SUCCESS_SEEDS, successSummary, SUCCESS_SETTINGS } from '../../core/figures/successVsLength';
import { SOLVED_GAP, type SweepPlan } from '../../core/inspect/sweep';
import { PAPERS } from '../../core/lessons/papers';
import { useStore } from '../../state/store';
import { formatSteps } from '../format';
import { useSweepWorker } from '../useSweepWorker';
import { useWidth } from '../useWidth';
import { PaperLink } from '../PaperLink';
import { FigureExports, FigureSection, FigureVerdictLine } from './FigureSection';
import { LineLegend, PlotAxes } from './PlotAxes';
import { describeLongLag, entryText, longLagCsv, longLagGeometry } from './longLagView';
import { CELL_KINDS, choiceLags, LagSweepControls, LinkNotice, SweepStartButton, SweepStatus, useLinkedChoice, useRunsPage } from './SweepFigureRun';
import './figures.css';

/** The lesson the table belongs to: the LSTM's constant error carousel. */
const LONG_LAG_LESSONS = ['lstm'];
const TASK_NAMES: Record<LongLagTask, string> = { adding: 'the adding problem', temporal_order: 'temporal order' };
const BUDGETS = [500, 1000, 2000, 5000];
const MAX_LAG = 1000;
const MARGIN = { left: 58, right: 16, top: 12, bottom: 44 };
const PLOT_HEIGHT = 200;
const PLOT_WIDTH_MAX = 420;

export function LongLagFigure() {
  return (
    <FigureSection figure="longlag" lessons={LONG_LAG_LESSONS} title="the adding and temporal-order results" source={`${PAPERS.hochreiter1997.cite}, Tables 7 and 9, beside runs on this machine`}>
      <LongLagLive />
    </FigureSection>
  );
}

function LongLagLive() {
  const page = useRunsPage();
  const { seed } = page;
  const [task, setTask] = useState<LongLagTask>(() => useStore.getState().config.figTask);
  const { choice, setChoice, notice, share } = useLinkedChoice(CELL_KINDS, { cells: ['rnn_tanh', 'gru', 'lstm'], lagText: DEFAULT_LONG_LAGS[task].join(', '), seeds: DEFAULT_SUCCESS_SEEDS, steps: DEFAULT_LONG_LAG_STEPS });
  const sweep = useSweepWorker('rnnlab-long-lag-figure', 'The runs');
  const { plan, result, setError, running } = sweep;
  const paper = PAPER_TABLES[(plan?.base.task as LongLagTask | undefined) ?? task];

  const start = () => {
    let next: SweepPlan;
    try {
      const lags = choiceLags(choice, MAX_LAG);
      next = longLagPlan(page, task, { cells: choice.cells, lags, seeds: choice.seeds, steps: choice.steps });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    share(next.values, { figTask: task });
    sweep.start(next);
  };

  const rows = useMemo(() => (plan && result ? longLagRows(successSummary(result, plan.values), paper, plan.base.B) : null), [plan, result, paper]);

  return (
    <div className="longlag-body">
      <p className="success-finding">
        {PAPERS.hochreiter1997.cite} trained the LSTM on problems no earlier recurrent-net algorithm had solved: adding two marked numbers seen at least 50, 250 and 500 steps
        before the answer (Table 7) and telling the order of two symbols 40 or more steps back (Table 9). It solved them in every trial, and the training it needed grew
        with the lag (
        <PaperLink paper={PAPERS.hochreiter1997} />
        ).
      </p>
      <p className="muted success-settings">
        Each run here: a fresh model on {TASK_NAMES[task]} of exactly T steps, H = {SUCCESS_SETTINGS.H}, batches of {plan?.base.B ?? 16} sequences, Adam at lr {SUCCESS_SETTINGS.lr}, clipped at{' '}
        {SUCCESS_SETTINGS.clipAt}, LSTM forget gates chrono-initialised; seeds {seed} to {seed + choice.seeds - 1}; solved when it closes {SOLVED_GAP * 100}% of the gap between chance and perfect on
        the validation batch, checked every 25 steps. {PAPER_TABLES[task].setup}
      </p>
      <LinkNotice notice={notice} />
      <div className="success-actions">
        <label>
          task{' '}
          <select
            value={task}
            disabled={running}
            onChange={(e) => {
              const next = e.target.value as LongLagTask;
              setTask(next);
              setChoice((c) => ({ ...c, lagText: DEFAULT_LONG_LAGS[next].join(', ') }));
            }}
            data-testid="longlag-task"
          >
            {LONG_LAG_TASKS.map((t) => (
              <option key={t} value={t}>
                {TASK_NAMES[t]}
              </option>
            ))}
          </select>
        </label>
        <LagSweepControls figure="longlag" choice={choice} onChange={setChoice} budgets={BUDGETS} disabled={running} />
        <SweepStartButton figure="longlag" sweep={sweep} onStart={start} />
      </div>
      <SweepStatus figure="longlag" sweep={sweep} label="Long-lag table: runs done" />
      {plan && rows && result && result.curves.some((c) => c.points.length > 0) ? (
        <LongLagResults plan={plan} rows={rows} cancelled={result.cancelled} />
      ) : (
        !running && <p className="muted">Press Start: {choice.seeds} runs per cell and T, up to {choice.steps} steps each (minutes on the CPU; pausing the main run makes it faster).</p>
      )}
    </div>
  );
}

function LongLagResults({ plan, rows, cancelled }: { plan: SweepPlan; rows: LongLagRow[]; cancelled: boolean }) {
  const paper = PAPER_TABLES[plan.base.task as LongLagTask];
  const verdict = longLagVerdict(rows, plan.seeds ?? 1);
  const [ref, width] = useWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const chartWidth = Math.min(width, PLOT_WIDTH_MAX + MARGIN.left + MARGIN.right);
  const plotW = Math.max(80, chartWidth - MARGIN.left - MARGIN.right);
  const g = useMemo(() => longLagGeometry(rows, paper, plotW, PLOT_HEIGHT), [rows, paper, plotW]);
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const cells = rows[0]?.entries ?? [];
  const runs = rows.reduce((n, r) => n + r.entries.reduce((m, e) => m + e.runs, 0), 0);
  const stem = `rnnlab-long-lag-${plan.base.task}-${plan.seeds}seeds-${plan.steps}steps`;

  return (
    <figure className="longlag-figure-body">
      <FigureVerdictLine figure="longlag" verdict={verdict} />
      <div className="longlag-views">
        <div className="table-scroll" tabIndex={0} role="region" aria-label="The long-lag table">
          <table className="longlag-table" data-testid="longlag-table">
            <caption className="muted">
              Runs solved of runs; the mean steps and sequences (steps × {plan.base.B}) of the solved runs. The paper: Table {paper.table}, means of {paper.trials} trials.
            </caption>
            <thead>
              <tr>
                <th scope="col">T</th>
                {cells.map((c) => (
                  <th key={c.cell} scope="col">
                    {c.label}
                  </th>
                ))}
                <th scope="col">paper, LSTM (Table {paper.table})</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.T} data-testid={`longlag-row-${r.T}`}>
                  <th scope="row">{r.T}</th>
                  {r.entries.map((e) => {
                    const t = entryText(e);
                    return (
                      <td key={e.cell} className={e.runs === 0 ? 'muted' : undefined}>
                        <span className="longlag-solved">{t.solved}</span>
                        {t.steps && <span className="longlag-cost muted">{t.steps}</span>}
                        {t.sequences && <span className="longlag-cost muted">{t.sequences}</span>}
                      </td>
                    );
                  })}
                  <td className={r.paper ? undefined : 'muted'}>
                    {r.paper ? (
                      <>
                        <span className="longlag-solved">{formatSteps(r.paper.sequences)}</span>
                        <span className="longlag-cost muted">sequences</span>
                        <span className="longlag-cost muted">minimal lag {r.paper.minimalLag}</span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div ref={ref} className="longlag-chart-wrap">
          <div className="svg-chart longlag-chart" role="img" tabIndex={0} aria-label={describeLongLag(rows, paper)} data-testid="longlag-chart" data-runs={runs}>
            <svg ref={svgRef} width={chartWidth} height={height} aria-hidden="true">
              <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
                <PlotAxes
                  width={plotW}
                  height={PLOT_HEIGHT}
                  xTicks={g.xTicks.map((t) => ({ key: t.T, at: t.x, label: String(t.T) }))}
                  yTicks={g.yTicks.map((t) => ({ key: t.value, at: t.y, label: t.label }))}
                  xLabel="T (log scale)"
                  yLabel="sequences to solve"
                  yLabelX={-MARGIN.left + 12}
                />
                {g.series.map((s) => (
                  <g key={s.key} data-testid={`longlag-series-${s.key}`}>
                    <path d={s.line} fill="none" stroke={s.color} strokeWidth={s.paper ? 1.5 : 2.25} strokeDasharray={s.paper ? '5 4' : undefined} />
                    {s.dots.map((d) =>
                      s.paper ? (
                        <rect key={d.T} x={d.x - 5} y={d.y - 5} width={10} height={10} fill="#ffffff" stroke={s.color} strokeWidth={2} />
                      ) : (
                        <circle key={d.T} cx={d.x} cy={d.y} r={4.5} fill={s.color} />
                      ),
                    )}
                  </g>
                ))}
              </g>
            </svg>
            <LineLegend items={g.series.map((s) => ({ key: s.key, label: s.label, color: s.color, dashed: s.paper }))} />
          </div>
        </div>
      </div>
      <FigureExports figure="longlag" svg={svgRef} stem={stem} title="training sequences needed against the lag" csv={() => longLagCsv(rows, paper)}>
        {runs} of {plan.values.length * plan.contestants.length * (plan.seeds ?? 1)} runs, {plan.seeds} seeds, up to {plan.steps} steps{cancelled ? ' (cancelled)' : ''}:
      </FigureExports>
    </figure>
  );
}
