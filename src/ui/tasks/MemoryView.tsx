// Long-range memory tasks: the metric against chance, and a look inside the newest batch.
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Config } from '../../core/config';
import { addingAccuracy } from '../../core/tasks/adding';
import { copyAccuracy } from '../../core/tasks/copy';
import { reberScores } from '../../core/tasks/reber';
import type { Task, TaskMetric } from '../../core/tasks/task';
import { formatValue } from '../format';
import { MUTED_INK, PALETTE } from '../palette';
import { ChartFrame } from '../SvgChart';
import { LagSweep } from './LagSweep';
import { MetricPanel } from './MetricPanel';
import { CHART_FONT, addingScatter, copyRows, reberSteps, temporalRows, type Snapshot } from './viewLogic';

function intro(name: string, T: number): string {
  switch (name) {
    case 'adding':
      return `Two of the ${T} numbers are marked; at the end the network must output their sum. Always answering 1 scores MSE 0.167 — that is chance.`;
    case 'copy':
      return `Ten symbols are shown, then ${T} blank steps pass; after the delimiter the network must repeat the ten. Without memory it can only guess one of 8: log 8 ≈ 2.08 nats.`;
    case 'temporal_order':
      return `Among ${T} distracting symbols, two are X or Y. At the end the network must say in which order they came (XX, XY, YX or YY): 1 in 4 by chance.`;
    case 'continual_reber':
      return 'Embedded Reber strings one after another with no break and no reset: the state is carried from batch to batch. The network predicts the next symbol; the hard part is the second-to-last symbol of each string, which must repeat its T or P, while whatever the earlier strings left in the state has to be forgotten.';
    default:
      return 'Strings of the embedded Reber grammar; the network predicts the next symbol. Learning the grammar is easy — the hard part is the second-to-last symbol, which must repeat the T or P from the start of the string.';
  }
}

export function MemoryView({ task, config, snapshot, metric, history }: {
  task: Task;
  config: Config;
  snapshot: Snapshot | null;
  metric: TaskMetric | null;
  history: { n: number; value: number }[];
}) {
  return (
    <div className="task-view" data-testid="memory-view">
      <p className="task-intro">{intro(task.name, config.T)}</p>
      <MetricPanel metric={metric} history={history} />
      {snapshot ? <Detail name={task.name} snapshot={snapshot} /> : <p className="muted">Start training to look inside a batch.</p>}
      <LagSweep config={config} />
    </div>
  );
}

function Detail({ name, snapshot }: { name: string; snapshot: Snapshot }) {
  switch (name) {
    case 'adding':
      return <AddingDetail snapshot={snapshot} />;
    case 'copy':
      return <CopyDetail snapshot={snapshot} />;
    case 'temporal_order':
      return <TemporalDetail snapshot={snapshot} />;
    default:
      return <ReberDetail snapshot={snapshot} />;
  }
}

/** The scatter in words: how many sequences, and how many of them the network got right. */
function describeAdding(points: ReturnType<typeof addingScatter>, snapshot: Snapshot): string {
  return `Predicted sum against true sum for ${points.length} sequences: ${formatValue(100 * addingAccuracy(snapshot.outputs, snapshot.batch))}% within 0.04 of the truth`;
}

function AddingDetail({ snapshot }: { snapshot: Snapshot }) {
  const points = addingScatter(snapshot);
  return (
    <div>
      <h3>Predicted sum vs true sum (one dot per sequence)</h3>
      <ChartFrame label={describeAdding(points, snapshot)}>
        <ResponsiveContainer width="100%" height={240}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e6e8ec" />
            <XAxis dataKey="truth" type="number" domain={[0, 2]} ticks={[0, 0.5, 1, 1.5, 2]} tick={{ fontSize: CHART_FONT }} label={{ value: 'true sum (x) · predicted (y)', position: 'insideBottom', offset: -8, fontSize: CHART_FONT , fill: MUTED_INK }} />
            <YAxis dataKey="prediction" type="number" domain={[0, 2]} ticks={[0, 0.5, 1, 1.5, 2]} tick={{ fontSize: CHART_FONT }} width={52} allowDataOverflow />
            <Tooltip formatter={(v) => formatValue(Number(v))} isAnimationActive={false} />
            <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 2, y: 2 }]} stroke={PALETTE.grey} strokeDasharray="6 4" />
            <ReferenceLine y={1} stroke={PALETTE.orange} strokeDasharray="2 4" />
            <Scatter data={points} fill={PALETTE.blue} isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </ChartFrame>
      <p className="muted">
        On the diagonal: right. On the flat orange line at 1: the network ignores the markers and answers the average.
        Within 0.04 of the truth: {formatValue(100 * addingAccuracy(snapshot.outputs, snapshot.batch))}% of sequences.
      </p>
    </div>
  );
}

function CopyDetail({ snapshot }: { snapshot: Snapshot }) {
  const rows = copyRows(snapshot);
  return (
    <div>
      <h3>Shown, and recalled after the wait</h3>
      <table className="seq-table mono">
        <thead>
          <tr><th>shown</th><th>recalled</th></tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{r.shown}</td>
              <td>
                {r.recalled.map((c, k) => (
                  <span key={k} className={c.got === c.want ? 'ok' : 'bad'} title={`wanted ${c.want}`}>{c.got}</span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Recalled correctly: {formatValue(100 * copyAccuracy(snapshot.outputs, snapshot.batch))}% (chance 12.5%). Wrong symbols in red.</p>
    </div>
  );
}

function TemporalDetail({ snapshot }: { snapshot: Snapshot }) {
  const rows = temporalRows(snapshot);
  return (
    <div>
      <h3>Sequences and answers</h3>
      <table className="seq-table">
        <thead>
          <tr><th>sequence (X and Y highlighted)</th><th>order</th><th>answer</th></tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="mono">
                <Marked sequence={r.sequence} marks={r.marks} />
              </td>
              <td>{r.want}</td>
              <td className={r.got === r.want ? 'ok' : 'bad'}>{r.got}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A long sequence shown around its two marks, with the gaps elided. */
function Marked({ sequence, marks }: { sequence: string; marks: number[] }) {
  const keep = (t: number) => sequence.length <= 40 || t < 2 || t >= sequence.length - 2 || marks.some((m) => Math.abs(m - t) <= 2);
  const parts = [];
  let skipped = 0;
  for (let t = 0; t < sequence.length; t++) {
    if (!keep(t)) {
      skipped++;
      continue;
    }
    if (skipped) parts.push(<span key={`s${t}`} className="muted">…</span>);
    skipped = 0;
    parts.push(marks.includes(t) ? <span key={t} className="mark">{sequence[t]}</span> : <span key={t}>{sequence[t]}</span>);
  }
  return <>{parts}</>;
}

function ReberDetail({ snapshot }: { snapshot: Snapshot }) {
  const steps = reberSteps(snapshot).slice(0, 48);
  const scores = reberScores(snapshot.outputs, snapshot.batch);
  return (
    <div>
      <h3>One stream: symbol (top) and the network’s guess for the next one (below)</h3>
      <div className="char-strip">
        {steps.map((s, i) => (
          <span key={i} className={`char-cell ${s.valid ? 'right' : 'wrong'} ${s.penultimate ? 'long' : ''}`} title={s.penultimate ? 'the long-range step: must repeat T or P' : undefined}>
            <span className="top">{s.symbol}</span>
            <span className="below">{s.guess}</span>
          </span>
        ))}
      </div>
      <p className="muted">
        Guesses the grammar allows: {formatValue(100 * scores.validStep)}% of steps. The outlined steps must repeat the
        T or P from the start of the string — right {Number.isFinite(scores.penultimate) ? `${formatValue(100 * scores.penultimate)}%` : '—'} of the time (chance 50%).
      </p>
    </div>
  );
}
