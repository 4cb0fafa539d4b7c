// Streaming train and validation loss (recharts). Series arrive decimated (bounded length), and the
// chart redraws at most four times a second so the main thread stays free while training.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../state/store';
import { toggleLogLoss } from '../state/controller';
import { domainOf, linearTicks, logTicks, type Tick } from './axes';
import { thinForDisplay, type SeriesPoint } from '../state/decimate';
import { formatSteps, formatValue } from './format';
import { MUTED_INK, PALETTE } from './palette';
import { ChartFrame } from './SvgChart';
import { useThrottledStore } from './useThrottled';

/** recharts draws SVG: this many points per line keep a redraw cheap at any length of run. */
const MAX_DRAWN_POINTS = 200;

/** Non-finite losses leave a gap; the banner and the gradient charts tell the story of a blow-up. */
function chartData(points: SeriesPoint[], log: boolean) {
  return thinForDisplay(points, MAX_DRAWN_POINTS).map((p) => ({ step: p.step, value: Number.isFinite(p.value) && (!log || p.value > 0) ? p.value : null }));
}

/** recharts asks for one tick's label at a time: answer from the axis's labels, chosen together in one notation. */
function labelOf(ticks: Tick[]) {
  const labels = new Map(ticks.map((t) => [t.value, t.label]));
  return (v: number) => labels.get(v) ?? formatValue(v);
}

/** A change of less than this fraction over the recent points reads as flat. */
const FLAT_FRACTION = 0.05;

/** Falling, rising or flat: the latest value against the one a quarter of the shown history back. */
function trendOf(points: SeriesPoint[]): string {
  const finite = points.filter((p) => Number.isFinite(p.value));
  if (finite.length < 2) return '';
  const last = finite[finite.length - 1];
  const earlier = finite[Math.max(0, Math.floor(finite.length * 0.75) - 1)];
  const change = (last.value - earlier.value) / Math.max(Math.abs(earlier.value), 1e-12);
  const word = change < -FLAT_FRACTION ? 'falling' : change > FLAT_FRACTION ? 'rising' : 'flat';
  return `, ${word} since step ${formatSteps(earlier.step)} (${formatValue(earlier.value)})`;
}

/** The chart in words: the latest train and validation loss and where the train loss is heading. */
function describeLoss(loss: SeriesPoint[], valLoss: SeriesPoint[], divergedAt: number | null): string {
  const last = loss[loss.length - 1];
  if (!last) return 'Loss: no steps yet';
  const val = valLoss[valLoss.length - 1];
  const diverged = divergedAt === null ? '' : `; diverged at step ${formatSteps(divergedAt)}`;
  return `Loss at step ${formatSteps(last.step)}: train ${formatValue(last.value)}${trendOf(loss)}${val ? `; validation ${formatValue(val.value)}${trendOf(valLoss)}` : ''}${diverged}`;
}

/** The latest numbers, updated with every frame; kept apart so the chart itself redraws only when throttled. */
function LossReadout() {
  const lastLoss = useStore((s) => s.lastLoss);
  const lastVal = useStore((s) => (s.valLoss.length ? s.valLoss[s.valLoss.length - 1].value : null));
  return (
    <span className="readout" data-testid="loss-value" data-loss={Number.isFinite(lastLoss) ? lastLoss : ''}>
      train {formatValue(lastLoss)}
      {lastVal !== null && <> · validation {formatValue(lastVal)}</>}
    </span>
  );
}

export function LossChart() {
  const loss = useThrottledStore((s) => s.loss, 500);
  const valLoss = useThrottledStore((s) => s.valLoss, 500);
  const log = useStore((s) => s.logLoss);
  const presenter = useStore((s) => s.config.presenter);
  const divergedAt = useStore((s) => s.divergedAt);
  const train = chartData(loss, log);
  const val = chartData(valLoss, log);
  const yDomain = domainOf([...train, ...val].map((d) => d.value ?? NaN), log);
  const yTicks = log ? logTicks(yDomain[0], yDomain[1], 5) : linearTicks(yDomain[0], yDomain[1], 4);
  const lastStep = Math.max(loss.length ? loss[loss.length - 1].step : 1, divergedAt ?? 0);
  const xTicks = linearTicks(0, Math.max(1, lastStep), 5);
  const fontSize = presenter ? 16 : 12;
  return (
    <section className="panel loss" aria-labelledby="loss-title">
      <div className="panel-head">
        <h2 id="loss-title">Loss</h2>
        <LossReadout />
        <label className="toggle">
          <input type="checkbox" checked={log} onChange={toggleLogLoss} /> log scale
        </label>
      </div>
      <ChartFrame className="loss-chart" testId="loss-chart" label={describeLoss(loss, valLoss, divergedAt)}>
        <ResponsiveContainer width="100%" height={presenter ? 300 : 240}>
          <LineChart margin={{ top: 22, right: 28, bottom: 8, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e6e8ec" />
            <XAxis dataKey="step" type="number" domain={[0, Math.max(1, lastStep)]} ticks={xTicks.map((t) => t.value)} allowDecimals={false} allowDuplicatedCategory={false} tick={{ fontSize }} tickFormatter={labelOf(xTicks)} label={{ value: 'training step', position: 'insideBottom', offset: -4, fontSize , fill: MUTED_INK }} height={44} />
            <YAxis
              type="number"
              scale={log ? 'log' : 'linear'}
              domain={yDomain}
              ticks={yTicks.map((t) => t.value)}
              allowDataOverflow
              tick={{ fontSize }}
              tickFormatter={labelOf(yTicks)}
              width={presenter ? 70 : 56}
            />
            <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} />
            {divergedAt !== null && (
              <ReferenceLine x={divergedAt} stroke={PALETTE.vermilion} strokeWidth={2} strokeDasharray="4 3" label={{ value: 'diverged', position: 'top', fill: PALETTE.vermilion, fontSize }} />
            )}
            <Line data={train} dataKey="value" name="train" stroke={PALETTE.blue} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
            <Line data={val} dataKey="value" name="validation" stroke={PALETTE.orange} strokeWidth={2} strokeDasharray="6 3" dot={val.length <= 40 ? { r: 2.5, fill: PALETTE.orange } : false} isAnimationActive={false} connectNulls={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
      <div className="legend">
        <span className="legend-item"><span className="swatch" style={{ background: PALETTE.blue }} /> train</span>
        <span className="legend-item"><span className="swatch dashed" style={{ borderColor: PALETTE.orange }} /> validation</span>
      </div>
    </section>
  );
}
