// Time series: prediction against target on the newest batch, and a free-running forecast into the
// validation part, where the model's own predictions are fed back as its next inputs.
import { useCallback, useEffect, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Config } from '../../core/config';
import { freeRunForecast, type SeriesTask } from '../../core/tasks/series';
import type { ForwardOne, TaskMetric } from '../../core/tasks/task';
import { formatValue } from '../format';
import { MUTED_INK, PALETTE } from '../palette';
import { ChartFrame } from '../SvgChart';
import { MetricPanel } from './MetricPanel';
import { CHART_FONT, forecastAnchor, overlayPoints, type Snapshot } from './viewLogic';

/** Mean absolute difference of two columns over the rows that have both. */
function meanAbsGap<R>(rows: R[], a: (r: R) => number | undefined, b: (r: R) => number | undefined): number {
  const gaps = rows.flatMap((r) => {
    const x = a(r);
    const y = b(r);
    return x === undefined || y === undefined ? [] : [Math.abs(x - y)];
  });
  return gaps.length ? gaps.reduce((s, g) => s + g, 0) / gaps.length : NaN;
}

function describeOverlay(overlay: { target: number; prediction: number }[]): string {
  const error = meanAbsGap(overlay, (r) => r.target, (r) => r.prediction);
  return `Prediction against target over ${overlay.length} steps of the newest batch: mean absolute error ${formatValue(error)}`;
}

function describeForecast(rows: { t: number; truth?: number; forecast?: number }[], hasForecast: boolean): string {
  const ahead = rows.filter((r) => r.t > 0);
  if (!hasForecast) return `Free-running forecast ${ahead.length} steps into the validation data: not run yet`;
  const error = meanAbsGap(ahead, (r) => r.truth, (r) => r.forecast);
  return `Free-running forecast ${ahead.length} steps into the validation data: mean absolute error ${formatValue(error)} against what really happened`;
}

const INTROS: Record<string, string> = {
  sine: 'A pure sine wave. Each step the network sees one value and predicts the next.',
  sines: 'A sum of three sine waves with different periods: the network must track several rhythms at once.',
  mackey_glass: 'The Mackey–Glass delay equation (τ = 17), a classic chaotic series: predictable a few steps ahead, not forever.',
  random_walk: 'A noisy random walk. Its steps are unpredictable, so "tomorrow = today" is close to the best anyone can do.',
  csv: 'Your own data: from the last T values, predict the next one (T is the look-back window).',
};

const FORECAST_INTERVAL_MS = 3000;

export function SeriesView({ task, config, snapshot, metric, history, forward }: {
  task: SeriesTask;
  config: Config;
  snapshot: Snapshot | null;
  metric: TaskMetric | null;
  history: { n: number; value: number }[];
  forward?: ForwardOne;
}) {
  const T = config.T;
  const horizon = Math.min(Math.max(T, 30), 120, task.values.length - task.split);
  const [forecast, setForecast] = useState<Float32Array | null>(null);
  const [busy, setBusy] = useState(false);
  const lastRun = useRef(0);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  const runForecast = useCallback(async () => {
    if (!forward || busy) return;
    setBusy(true);
    lastRun.current = Date.now();
    try {
      const { history: past } = forecastAnchor(task, T, horizon);
      const predicted = await freeRunForecast(forward, past, horizon, T);
      if (alive.current) setForecast(predicted);
    } catch {
      // the model changed under us (reset, new task): the next snapshot runs it again
    } finally {
      if (alive.current) setBusy(false);
    }
  }, [forward, busy, task, T, horizon]);

  // Refresh the forecast as training goes on, at most every few seconds.
  useEffect(() => {
    if (forward && snapshot && Date.now() - lastRun.current > FORECAST_INTERVAL_MS) void runForecast();
  }, [snapshot, forward, runForecast]);
  // a new task drops the old task's forecast
  const [forecastTask, setForecastTask] = useState(task);
  if (forecastTask !== task) {
    setForecastTask(task);
    setForecast(null);
  }

  const overlay = snapshot ? overlayPoints(task, snapshot) : [];
  const { history: past, truth } = forecastAnchor(task, T, horizon);
  const forecastData = [
    ...Array.from(past, (v, k) => ({ t: k - past.length + 1, past: task.denormalize(v) })),
    ...Array.from(truth, (v, k) => ({ t: k + 1, truth: task.denormalize(v), forecast: forecast && k < forecast.length ? task.denormalize(forecast[k]) : undefined })),
  ];
  // Truth and forecast start from the last known value so they visibly continue the history.
  if (past.length) {
    const last = task.denormalize(past[past.length - 1]);
    Object.assign(forecastData[past.length - 1], { truth: last, ...(forecast ? { forecast: last } : {}) });
  }

  return (
    <div className="task-view" data-testid="series-view">
      <p className="task-intro">{INTROS[task.name] ?? INTROS.csv}</p>
      <MetricPanel metric={metric} history={history} chanceLabel="persistence (“tomorrow = today”)" />
      <div className="task-row">
        <div>
          <h3>Prediction vs target (newest batch, first window)</h3>
          {overlay.length ? (
            <ChartFrame label={describeOverlay(overlay)}>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={overlay} margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
                  <CartesianGrid stroke="#e6e8ec" />
                  <XAxis dataKey="t" type="number" domain={[0, T - 1]} tick={{ fontSize: CHART_FONT }} label={{ value: 'step in window', position: 'insideBottomRight', offset: -2, fontSize: CHART_FONT , fill: MUTED_INK }} />
                  <YAxis domain={['auto', 'auto']} tick={{ fontSize: CHART_FONT }} tickFormatter={(v: number) => formatValue(v, 3)} width={56} />
                  <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(t) => `step ${t}`} isAnimationActive={false} />
                  <Line dataKey="target" name="target (next value)" stroke={PALETTE.black} strokeWidth={2} dot={false} isAnimationActive={false} />
                  <Line dataKey="prediction" name="prediction" stroke={PALETTE.blue} strokeWidth={2} strokeDasharray="5 3" dot={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </ChartFrame>
          ) : (
            <p className="muted">Start training to see the predictions.</p>
          )}
          <div className="legend">
            <span className="legend-item"><span className="swatch" style={{ background: PALETTE.black }} /> target</span>
            <span className="legend-item"><span className="swatch dashed" style={{ borderColor: PALETTE.blue }} /> prediction</span>
          </div>
        </div>
        <div>
          <h3>Free-running forecast into the validation data</h3>
          <ChartFrame label={describeForecast(forecastData, forecast !== null)}>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={forecastData} margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
                <CartesianGrid stroke="#e6e8ec" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: CHART_FONT }} label={{ value: 'steps ahead', position: 'insideBottomRight', offset: -2, fontSize: CHART_FONT , fill: MUTED_INK }} />
                <YAxis domain={['auto', 'auto']} tick={{ fontSize: CHART_FONT }} tickFormatter={(v: number) => formatValue(v, 3)} width={56} />
                <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(t) => `step ${t}`} isAnimationActive={false} />
                <ReferenceLine x={0} stroke={PALETTE.grey} strokeDasharray="3 3" />
                <Line dataKey="past" name="history the model sees" stroke={PALETTE.grey} strokeWidth={2} dot={false} isAnimationActive={false} />
                <Line dataKey="truth" name="what really happened" stroke={PALETTE.black} strokeWidth={2} dot={false} isAnimationActive={false} />
                <Line dataKey="forecast" name="forecast" stroke={PALETTE.vermilion} strokeWidth={2} strokeDasharray="5 3" dot={false} isAnimationActive={false} connectNulls />
              </LineChart>
            </ResponsiveContainer>
          </ChartFrame>
          <div className="task-controls">
            <span className="legend-item"><span className="swatch" style={{ background: PALETTE.grey }} /> history</span>
            <span className="legend-item"><span className="swatch" style={{ background: PALETTE.black }} /> truth</span>
            <span className="legend-item"><span className="swatch dashed" style={{ borderColor: PALETTE.vermilion }} /> forecast</span>
            {forward ? (
              <button type="button" onClick={() => void runForecast()} disabled={busy}>{busy ? 'forecasting…' : 'forecast again'}</button>
            ) : (
              <span className="muted">The forecast runs once the model is available.</span>
            )}
          </div>
          <p className="muted">
            The model sees its own predictions as inputs: errors compound, so a forecast that stays close for many
            steps means the dynamics were learnt, not just “copy the last value”.
          </p>
        </div>
      </div>
    </div>
  );
}
