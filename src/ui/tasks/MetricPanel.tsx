// The task's metric against its chance baseline: the number now, a verdict in words, and its history.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TaskMetric } from '../../core/tasks/task';
import { formatTicks, formatValue } from '../format';
import { ChartFrame } from '../SvgChart';
import { MUTED_INK, PALETTE } from '../palette';
import { CHART_FONT, metricAxis, verdict } from './viewLogic';

export function MetricPanel({ metric, history, chanceLabel = 'chance' }: { metric: TaskMetric | null; history: { n: number; value: number }[]; chanceLabel?: string }) {
  if (!metric) return <p className="muted">The metric appears once training has produced a snapshot.</p>;
  const words = verdict(metric);
  const good = words.startsWith('far') || words.startsWith('better');
  const axis = metricAxis(metric, history.map((h) => h.value));
  const labels = formatTicks(axis.ticks, 2); // one notation for the whole axis
  const tickLabels = new Map(axis.ticks.map((v, i) => [v, labels[i]]));
  const since = history.length > 1 ? `, from ${formatValue(history[0].value)} at snapshot ${history[0].n}` : '';
  const label = `${metric.name} over ${history.length} snapshots: ${formatValue(metric.value)} now, ${chanceLabel} ${formatValue(metric.chance)}; ${words}${since}`;
  return (
    <div className="metric-panel">
      <div className="metric-head">
        <span>{metric.name}</span>
        <span className="metric-value" data-testid="task-metric-value">{formatValue(metric.value)}</span>
        <span className="metric-chance">
          {chanceLabel} {formatValue(metric.chance)} ({metric.higherIsBetter ? 'higher is better' : 'lower is better'})
        </span>
        <span className={`metric-verdict ${good ? 'good' : 'flat'}`}>{words}</span>
      </div>
      {history.length > 1 && (
        <ChartFrame label={label} testId="metric-chart">
          <ResponsiveContainer width="100%" height={170}>
            <LineChart data={axis.scale === 'log' ? history.filter((h) => h.value > 0) : history} margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
              <CartesianGrid stroke="#e6e8ec" />
              <XAxis dataKey="n" type="number" allowDecimals={false} domain={['dataMin', 'dataMax']} tick={{ fontSize: CHART_FONT }} label={{ value: 'snapshot', position: 'insideBottomRight', offset: -2, fontSize: CHART_FONT , fill: MUTED_INK }} />
              <YAxis scale={axis.scale} domain={axis.domain} ticks={axis.ticks} tick={{ fontSize: CHART_FONT }} tickFormatter={(v: number) => tickLabels.get(v) ?? formatValue(v, 2)} width={52} allowDataOverflow />
              <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(n) => `snapshot ${n}`} isAnimationActive={false} />
              <ReferenceLine y={metric.chance} stroke={PALETTE.grey} strokeDasharray="6 4" label={{ value: chanceLabel, position: 'insideTopRight', fontSize: CHART_FONT, fill: MUTED_INK }} />
              <Line dataKey="value" name={metric.name} stroke={PALETTE.blue} strokeWidth={2} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartFrame>
      )}
    </div>
  );
}
