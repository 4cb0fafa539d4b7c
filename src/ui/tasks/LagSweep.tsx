// The lag sweep: success against T for each cell, run as a sweep of T (core/inspect/sweep.ts) in a lab worker
// of its own (src/train/labWorker.ts), with a progress bar and cancel. It reproduces the classic picture — a
// tanh RNN fails beyond a few dozen steps, an LSTM bridges 100+ — on this task, with the page's other settings
// (H, optimiser, learning rate…).
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Config } from '../../core/config';
import { SOLVED_GAP } from '../../core/inspect/sweep';
import type { CellKind } from '../../core/spec';
import { formatValue } from '../format';
import { MUTED_INK, PALETTE } from '../palette';
import { useSweepWorker } from '../useSweepWorker';
import { ChartFrame } from '../SvgChart';
import { DEFAULT_LAGS, lagChartRows, lagRuns, lagSweepPlan, LAG_SWEEP_TASKS, parseLags, type LagSweepTask } from './lagSweepPlan';
import { CHART_FONT } from './viewLogic';

const CELL_CHOICES: { cell: CellKind; label: string; color: string }[] = [
  { cell: 'rnn_tanh', label: 'tanh RNN', color: PALETTE.vermilion },
  { cell: 'gru', label: 'GRU', color: PALETTE.green },
  { cell: 'lstm', label: 'LSTM', color: PALETTE.blue },
];
const BUDGETS = [300, 600, 1000, 2000];

/** The chart in words: per cell, the share of the gap to perfect closed at each lag. */
function describeLagSweep(runs: ReturnType<typeof lagRuns>, cells: { cell: CellKind; label: string }[]): string {
  const perCell = cells
    .map((c) => ({ label: c.label, points: runs.filter((r) => r.cell === c.cell) }))
    .filter((c) => c.points.length)
    .map((c) => `${c.label} ${c.points.map((r) => `T = ${r.T}: ${formatValue(r.point.gap, 2)}`).join(', ')}`);
  return `Gap closed against lag T (${formatValue(SOLVED_GAP)} is solved): ${perCell.join('; ')}`;
}

export function LagSweep({ config }: { config: Config }) {
  const taskName = (LAG_SWEEP_TASKS as readonly string[]).includes(config.task) ? (config.task as LagSweepTask) : 'adding';
  const [cells, setCells] = useState<CellKind[]>(['rnn_tanh', 'lstm']);
  const [lagText, setLagText] = useState(DEFAULT_LAGS[taskName].join(', '));
  // 2,000 steps per trial: at 600 the LSTM (default biases) fails at T = 80 and 120, which it solves in about
  // 775 and 1,525 steps (measured with the page's defaults), so 600 would contradict the LSTM lesson
  const [budget, setBudget] = useState(2000);
  const { plan, result, progress, error, setError, running, start: startSweep, stop } = useSweepWorker('rnnlab-lag-sweep', 'The sweep');

  // another task brings its own default lags
  const [lagsTask, setLagsTask] = useState(taskName);
  if (lagsTask !== taskName) {
    setLagsTask(taskName);
    setLagText(DEFAULT_LAGS[taskName].join(', '));
  }
  function start() {
    let lags: number[];
    try {
      lags = parseLags(lagText, taskName === 'reber' ? 10 : taskName === 'temporal_order' ? 4 : 1, 1000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    if (cells.length === 0) {
      setError('Choose at least one cell.');
      return;
    }
    startSweep(lagSweepPlan(config, taskName, cells, lags, budget));
  }

  const planned = plan?.contestants.map((c) => c.cell) ?? [];
  const runs = result ? lagRuns(result) : [];
  const current = progress?.current ?? null;
  const shownCells = CELL_CHOICES.filter((c) => (running ? planned.includes(c.cell) : cells.includes(c.cell) || runs.some((r) => r.cell === c.cell)));
  const rows = lagChartRows(runs, shownCells.map((c) => c.cell), plan?.values ?? []);
  const metricName = result?.metricName ?? 'metric';

  return (
    <details className="lag-sweep" data-testid="lag-sweep">
      <summary>
        <h3 style={{ display: 'inline' }}>Lag sweep: how far back can each cell remember?</h3>
      </summary>
      <p className="muted">
        Trains a fresh model for each cell and lag T (up to {budget} steps, stopping once solved), with this page’s other settings, on the CPU
        in a worker of its own. “Solved” means closing {SOLVED_GAP * 100}% of the gap between chance and perfect. Pausing the main run makes it faster.
      </p>
      <div className="task-controls">
        {CELL_CHOICES.map((c) => (
          <label key={c.cell}>
            <input
              type="checkbox"
              checked={cells.includes(c.cell)}
              disabled={running}
              onChange={(e) => setCells((cs) => (e.target.checked ? [...cs, c.cell] : cs.filter((x) => x !== c.cell)))}
            />
            {c.label}
          </label>
        ))}
        <label>
          lags T <input type="text" value={lagText} disabled={running} onChange={(e) => setLagText(e.target.value)} aria-label="lags to try" />
        </label>
        <label>
          steps per trial
          <select value={budget} disabled={running} onChange={(e) => setBudget(Number(e.target.value))}>
            {BUDGETS.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </label>
        {running ? <button type="button" onClick={stop}>cancel</button> : <button type="button" className="primary" onClick={start}>run sweep</button>}
      </div>
      {error && <p className="data-error" role="alert">{error}</p>}
      {running && progress && (
        <div className="sweep-progress">
          <progress max={1} value={progress.fraction} aria-label="sweep progress" />
          <span className="muted">
            trial {Math.min(progress.runsDone + 1, progress.runsTotal)} of {progress.runsTotal}
            {current && `: ${current.label} at T = ${current.value}, step ${current.step} of ${budget}`}
          </span>
        </div>
      )}
      {runs.length > 0 && (
        <>
          <ChartFrame label={describeLagSweep(runs, shownCells)}>
            <ResponsiveContainer width="100%" height={230}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 4 }} accessibilityLayer={false}>
                <CartesianGrid stroke="#e6e8ec" />
                <XAxis dataKey="T" type="category" tick={{ fontSize: CHART_FONT }} label={{ value: 'lag T', position: 'insideBottom', offset: -8, fontSize: CHART_FONT , fill: MUTED_INK }} />
                <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: CHART_FONT }} width={44} label={{ value: 'gap closed', angle: -90, position: 'insideLeft', fontSize: CHART_FONT , fill: MUTED_INK }} />
                <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(T) => `T = ${T}`} isAnimationActive={false} />
                <ReferenceLine y={SOLVED_GAP} stroke={PALETTE.grey} strokeDasharray="6 4" label={{ value: 'solved', position: 'insideTopRight', fontSize: CHART_FONT, fill: MUTED_INK }} />
                <Legend verticalAlign="top" height={24} />
                {shownCells.map((c) => (
                  <Line key={c.cell} dataKey={c.cell} name={c.label} stroke={c.color} strokeWidth={2} isAnimationActive={false} connectNulls={false} dot={{ r: 4 }} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </ChartFrame>
          <table className="seq-table">
            <thead>
              <tr><th>cell</th><th>T</th><th>{metricName}</th><th>chance</th><th>steps</th><th>solved</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={`${r.cell}-${r.T}`}>
                  <td>{CELL_CHOICES.find((c) => c.cell === r.cell)?.label ?? r.cell}</td>
                  <td>{r.T}</td>
                  <td>{r.point.diverged ? 'diverged' : formatValue(r.point.metric)}</td>
                  <td>{formatValue(r.point.chance)}</td>
                  <td>{r.point.steps}</td>
                  <td className={r.point.solved ? 'ok' : 'bad'}>{r.point.solved ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </details>
  );
}
