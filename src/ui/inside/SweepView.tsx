// A sweep: the final metric against one setting's value, one curve per cell type, with progress and a
// cancel button. Diverged runs leave a gap in their curve and are named under the chart (never silently dropped).
import { memo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { contestantLabel, type Contestant } from '../../core/inspect/race';
import { parseSweepValues, SWEEP_LABELS, SWEEP_SETTINGS, sweepAxisIsLog, type SweepProgress, type SweepResult, type SweepSetting } from '../../core/inspect/sweep';
import { CELLS, cellInfo, type CellKind } from '../../core/spec';
import { domainOf } from '../axes';
import { formatValue } from '../format';
import { ChartFrame } from '../SvgChart';
import { MUTED_INK } from '../palette';
import { CONTESTANT_STYLES, percent, sweepRows, type SweepField, type SweepRow } from './views';
import './inside.css';

export interface SweepViewProps {
  result: SweepResult | null;
  progress: SweepProgress | null;
  running: boolean;
  onCancel?: () => void;
}

/** The chart in words: per cell, the value at each setting (a gap where a run diverged). */
function describeSweep(result: SweepResult, yName: string, rows: SweepRow[]): string {
  const perCell = result.curves.map((c, k) => `${c.label} ${rows.map((r) => `${formatValue(r.value)}: ${r[`c${k}`] == null ? 'none' : formatValue(r[`c${k}`] as number)}`).join(', ')}`);
  return `${yName} against ${SWEEP_LABELS[result.setting]}, one line per cell: ${perCell.join('; ')}`;
}

function SweepViewImpl({ result, progress, running, onCancel }: SweepViewProps) {
  const [field, setField] = useState<SweepField>('metric');
  const log = result ? sweepAxisIsLog(result.setting) : false;
  const rows = result ? sweepRows(result, field) : [];
  const yLog = field !== 'metric' || !result?.higherIsBetter;
  const yDomain = domainOf(rows.flatMap((r) => result!.curves.map((_, k) => r[`c${k}`] ?? NaN)), yLog);
  const yName = field === 'metric' ? (result?.metricName ?? 'task metric') : field === 'valLoss' ? 'validation loss' : 'final training loss';
  const diverged = result ? result.curves.flatMap((c) => c.points.filter((p) => p.diverged).map((p) => `${c.label} at ${p.value}`)) : [];
  return (
    <section className="panel" aria-labelledby="sweep-title" data-testid="sweep-view">
      <div className="panel-head">
        <h2 id="sweep-title">Sweep{result ? `: ${SWEEP_LABELS[result.setting]}` : ''}</h2>
        <label>
          show{' '}
          <select value={field} onChange={(e) => setField(e.target.value as SweepField)} aria-label="quantity to plot">
            <option value="metric">task metric</option>
            <option value="valLoss">validation loss</option>
            <option value="finalLoss">final training loss</option>
          </select>
        </label>
      </div>
      {progress && (
        <div className="sweep-progress">
          <progress max={1} value={progress.fraction} aria-label="sweep progress" data-testid="sweep-progress" />
          <span className="readout">
            {progress.runsDone} / {progress.runsTotal} runs · {percent(progress.fraction)}
            {running && progress.current ? ` · ${progress.current.label} at ${progress.current.value}` : ''}
            {result?.cancelled ? ' · cancelled' : ''}
            {result?.engine ? ` · on ${result.engine}` : ''}
          </span>
          {running && onCancel && (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      {result && (
        <>
          <ChartFrame testId="sweep-chart" label={describeSweep(result, yName, rows)}>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} accessibilityLayer={false}>
                <CartesianGrid stroke="#e6e8ec" />
                <XAxis
                  dataKey="value"
                  type="number"
                  scale={log ? 'log' : 'linear'}
                  domain={['dataMin', 'dataMax']}
                  ticks={rows.map((r) => r.value)}
                  tick={{ fontSize: 11 }}
                  tickFormatter={(v: number) => formatValue(v)}
                  label={{ value: SWEEP_LABELS[result.setting], position: 'insideBottom', offset: -4, fontSize: 12 , fill: MUTED_INK }}
                  height={40}
                />
                <YAxis type="number" scale={yLog ? 'log' : 'linear'} domain={yDomain} allowDataOverflow tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatValue(v, 2)} width={56} label={{ value: yName, angle: -90, position: 'insideLeft', fontSize: 12 , fill: MUTED_INK }} />
                <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(v) => `${result.setting} = ${formatValue(Number(v))}`} isAnimationActive={false} />
                {result.curves.map((c, k) => (
                  <Line key={k} dataKey={`c${k}`} name={c.label} stroke={CONTESTANT_STYLES[k % 4].color} strokeDasharray={CONTESTANT_STYLES[k % 4].dash} strokeWidth={2} dot={{ r: 4, fill: CONTESTANT_STYLES[k % 4].color }} isAnimationActive={false} connectNulls={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </ChartFrame>
          <div className="legend">
            {result.curves.map((c, k) => (
              <span key={k} className="legend-item">
                <svg width="26" height="10" aria-hidden="true">
                  <line x1="1" x2="25" y1="5" y2="5" stroke={CONTESTANT_STYLES[k % 4].color} strokeWidth="3" strokeDasharray={CONTESTANT_STYLES[k % 4].dash} />
                </svg>
                {c.label}
              </span>
            ))}
          </div>
          <p className="muted">
            {result.higherIsBetter && field === 'metric' ? 'Higher is better.' : 'Lower is better.'} Each point is one run from the same seed.
            {diverged.length > 0 && ` Diverged (no point drawn): ${diverged.join(', ')}.`}
          </p>
        </>
      )}
    </section>
  );
}

export const SweepView = memo(SweepViewImpl);

export interface SweepSetupProps {
  disabled?: boolean;
  initialSetting?: SweepSetting;
  onStart: (plan: { setting: SweepSetting; values: number[]; contestants: Contestant[]; steps: number }) => void;
}

const DEFAULT_VALUES: Record<SweepSetting, string> = { T: '10, 20, 40, 80', wrec: '0.5, 0.9, 1, 1.1, 1.5, 2', H: '8, 16, 32, 64', lr: '0.0003, 0.001, 0.003, 0.01, 0.03' };
const SWEEP_CELLS: CellKind[] = CELLS.filter((c) => !cellInfo(c).reservoir);

/** Choose the setting, its values (typed as a list), the cells and the steps per run. */
export function SweepSetup({ disabled, initialSetting = 'T', onStart }: SweepSetupProps) {
  const [setting, setSetting] = useState<SweepSetting>(initialSetting);
  const [text, setText] = useState(DEFAULT_VALUES[initialSetting]);
  const [cells, setCells] = useState<CellKind[]>(['rnn_tanh', 'lstm', 'gru']);
  const [steps, setSteps] = useState(200);
  const parsed = parseSweepValues(setting, text);
  const error = parsed.error ?? (cells.length === 0 ? 'choose at least one cell' : null);
  return (
    <div className="inside-form" data-testid="sweep-setup">
      <label>
        sweep{' '}
        <select
          value={setting}
          onChange={(e) => {
            const s = e.target.value as SweepSetting;
            setSetting(s);
            setText(DEFAULT_VALUES[s]);
          }}
          disabled={disabled}
        >
          {SWEEP_SETTINGS.map((s) => (
            <option key={s} value={s}>
              {SWEEP_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        values <input type="text" value={text} onChange={(e) => setText(e.target.value)} disabled={disabled} aria-invalid={parsed.error !== null} />
      </label>
      {SWEEP_CELLS.map((c) => (
        <label key={c}>
          <input type="checkbox" checked={cells.includes(c)} onChange={(e) => setCells(e.target.checked ? [...cells, c] : cells.filter((x) => x !== c))} disabled={disabled} />
          {contestantLabel({ cell: c, variant: 'none' })}
        </label>
      ))}
      <label>
        steps per run <input type="number" min={1} max={100000} value={steps} onChange={(e) => setSteps(Math.max(1, Math.round(Number(e.target.value) || 1)))} disabled={disabled} style={{ width: '6rem' }} />
      </label>
      <button
        type="button"
        className="primary"
        disabled={disabled || error !== null}
        onClick={() => onStart({ setting, values: parsed.values, contestants: SWEEP_CELLS.filter((c) => cells.includes(c)).slice(0, 4).map((cell) => ({ cell, variant: 'none' })), steps })}
      >
        Start sweep
      </button>
      {error && <span className="error">{error}</span>}
    </div>
  );
}
