// A race: two to four models trained side by side on identical data and seed, drawn over each other —
// loss, gradient norm, how much gradient reaches the first step, and each model's newest ‖∂L/∂h_t‖
// profile. Each model has its own colour AND dash pattern, so the lines never rely on hue alone.
// A race runs to a target (e.g. MSE 0.01) within a step budget; each model's "steps to reach" is read out.
import { memo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  contestantKey, contestantLabel, DEFAULT_RACE_BUDGET, formatTarget, MAX_CONTESTANTS, MIN_CONTESTANTS, targetReadout, type Contestant, type RaceResult,
} from '../../core/inspect/race';
import { CELLS, cellInfo, LSTM_VARIANTS, type CellKind, type LstmVariant } from '../../core/spec';
import { domainOf } from '../axes';
import { formatValue } from '../format';
import { ChartFrame, SvgChart } from '../SvgChart';
import { CONTESTANT_STYLES, profilePoints, raceRows } from './views';
import './inside.css';

export interface RaceViewProps {
  result: RaceResult | null;
  running: boolean;
  /** Total steps the race was asked for (for the readout; default: the result's budget). */
  stepsPlanned?: number;
  onCancel?: () => void;
  /** The link that reopens this race (base config + race value); shown with a copy button. */
  shareUrl?: string;
}

/** The chart in words: each model's newest finite value of the field drawn. */
function describeRace(result: RaceResult, title: string, field: 'loss' | 'gradNorm' | 'reach'): string {
  const latest = (values: number[]) => values.findLast((v) => Number.isFinite(v)) ?? NaN;
  return `${title} over ${result.steps} steps, latest: ${result.series.map((s) => `${s.label} ${formatValue(latest(s[field]))}`).join(', ')}`;
}

function RaceChart({ result, field, title, log }: { result: RaceResult; field: 'loss' | 'gradNorm' | 'reach'; title: string; log: boolean }) {
  const rows = raceRows(result, field, log);
  const values = rows.flatMap((r) => result.series.map((_, k) => r[`s${k}`] ?? NaN));
  const domain = domainOf(values, log);
  return (
    <div>
      <h3 className="muted" style={{ margin: '0.2rem 0' }}>
        {title}
      </h3>
      <ChartFrame label={describeRace(result, title, field)}>
        <ResponsiveContainer width="100%" height={200}>
          <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e6e8ec" />
            <XAxis dataKey="step" type="number" domain={[1, Math.max(2, result.steps)]} tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatValue(v)} />
            <YAxis type="number" scale={log ? 'log' : 'linear'} domain={domain} allowDataOverflow tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatValue(v, 2)} width={54} />
            <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} />
            {result.series.map((s, k) => (
              <Line key={k} dataKey={`s${k}`} name={s.label} stroke={CONTESTANT_STYLES[k].color} strokeDasharray={CONTESTANT_STYLES[k].dash} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  );
}

function RaceViewImpl({ result, running, stepsPlanned, onCancel, shareUrl }: RaceViewProps) {
  const [logLoss, setLogLoss] = useState(true);
  return (
    <section className="panel" aria-labelledby="race-title" data-testid="race-view">
      <div className="panel-head">
        <h2 id="race-title">Race</h2>
        <span className="readout" data-steps={result?.steps ?? 0}>
          {result ? `step ${result.steps} of ${result.target !== null ? 'at most ' : ''}${stepsPlanned ?? result.budget}` : 'not started'}
          {result && result.target !== null ? ` · until ${result.series.find((s) => s.metricName)?.metricName ?? 'the metric'} ${result.higherIsBetter ? '≥' : result.higherIsBetter === false ? '≤' : 'reaches'} ${formatTarget(result.target)}` : ''}
          {result?.cancelled ? ' · stopped' : ''}
          {result?.engine ? ` · on ${result.engine}` : ''}
        </span>
        <label className="toggle">
          <input type="checkbox" checked={logLoss} onChange={(e) => setLogLoss(e.target.checked)} /> log loss
        </label>
        {running && onCancel && (
          <button type="button" onClick={onCancel}>
            Stop
          </button>
        )}
      </div>
      {result && (
        <>
          <div className="legend">
            {result.series.map((s, k) => (
              <span key={k} className="legend-item">
                <svg width="26" height="10" aria-hidden="true">
                  <line x1="1" x2="25" y1="5" y2="5" stroke={CONTESTANT_STYLES[k].color} strokeWidth="3" strokeDasharray={CONTESTANT_STYLES[k].dash} />
                </svg>
                {s.label}
                {s.diverged && <span className="race-status"> <span className="diverged">({s.diverged})</span></span>}
              </span>
            ))}
          </div>
          {result.target !== null && (
            <ul className="race-readout" data-testid="race-readout" aria-label="steps to reach the target">
              {result.series.map((s, k) => (
                <li key={k} data-reached={s.reachedAt ?? ''}>
                  <strong>{s.label}</strong>: {targetReadout(result, k, running)}
                </li>
              ))}
            </ul>
          )}
          <div className="race-grid">
            <RaceChart result={result} field="loss" title="training loss" log={logLoss} />
            <RaceChart result={result} field="gradNorm" title="gradient norm (before clipping)" log />
            <RaceChart result={result} field="reach" title="gradient reaching the first step: ‖∂L/∂h₀‖ / max_t ‖∂L/∂h_t‖" log />
            <div>
              <h3 className="muted" style={{ margin: '0.2rem 0' }}>
                gradient flow now: ‖∂L/∂h_t‖ over t (top layer)
              </h3>
              <SvgChart
                series={result.series.map((s, k) => ({ id: `p${k}`, label: s.label, color: CONTESTANT_STYLES[k].color, dashed: k > 0, points: profilePoints(s.profile) }))}
                height={200}
                xLabel="time step t"
                yLabel="‖∂L/∂h_t‖"
                yLog
                ariaLabel="newest gradient-flow profile of each model"
                testId="race-profiles"
              />
            </div>
          </div>
        </>
      )}
      {shareUrl && (
        <div className="inside-form">
          <input type="text" readOnly value={shareUrl} aria-label="link to this race" onFocus={(e) => e.currentTarget.select()} style={{ flex: 1 }} />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(shareUrl)}>
            Copy link
          </button>
        </div>
      )}
    </section>
  );
}

export const RaceView = memo(RaceViewImpl);

export interface RaceSetupProps {
  initial: Contestant[];
  /** The step budget (default DEFAULT_RACE_BUDGET). */
  initialSteps?: number;
  /** The metric value the race runs to; null: none (the race runs its budget). */
  initialTarget?: number | null;
  disabled?: boolean;
  onStart: (contestants: Contestant[], steps: number, target: number | null) => void;
}

const RACE_PRESETS: { label: string; contestants: Contestant[] }[] = [
  { label: 'RNN vs LSTM vs GRU', contestants: [{ cell: 'rnn_tanh', variant: 'none' }, { cell: 'lstm', variant: 'none' }, { cell: 'gru', variant: 'none' }] },
  { label: 'LSTM vs CIFG vs NFG', contestants: [{ cell: 'lstm', variant: 'vanilla' }, { cell: 'lstm', variant: 'cifg' }, { cell: 'lstm', variant: 'nfg' }] },
];

/** Choose 2–4 models (cell and LSTM variant), the target of the validation metric and the step budget. */
export function RaceSetup({ initial, initialSteps = DEFAULT_RACE_BUDGET, initialTarget = null, disabled, onStart }: RaceSetupProps) {
  const [list, setList] = useState<Contestant[]>(initial.length >= MIN_CONTESTANTS ? initial : RACE_PRESETS[0].contestants);
  const [steps, setSteps] = useState(initialSteps);
  const [targetText, setTargetText] = useState(initialTarget === null ? '' : String(initialTarget));
  const parsed = targetText.trim() === '' ? null : Number(targetText);
  const target = parsed !== null && Number.isFinite(parsed) ? parsed : null;
  const set = (k: number, c: Contestant) => setList(list.map((x, i) => (i === k ? c : x)));
  return (
    <div className="inside-form" data-testid="race-setup">
      {list.map((c, k) => (
        <span key={k} className="legend-item">
          <select aria-label={`model ${k + 1} cell`} value={c.cell} onChange={(e) => set(k, { cell: e.target.value as CellKind, variant: 'none' })} disabled={disabled}>
            {CELLS.map((cell) => (
              <option key={cell} value={cell}>
                {contestantLabel({ cell, variant: 'none' })}
              </option>
            ))}
          </select>
          {cellInfo(c.cell).lstmVariants && (
            <select aria-label={`model ${k + 1} LSTM variant`} value={c.variant} onChange={(e) => set(k, { cell: c.cell, variant: e.target.value as LstmVariant })} disabled={disabled}>
              {LSTM_VARIANTS.map((v) => (
                <option key={v} value={v}>
                  {v === 'none' ? 'PyTorch' : v.toUpperCase()}
                </option>
              ))}
            </select>
          )}
          {list.length > MIN_CONTESTANTS && (
            <button type="button" aria-label={`remove model ${k + 1}`} onClick={() => setList(list.filter((_, i) => i !== k))} disabled={disabled}>
              ×
            </button>
          )}
        </span>
      ))}
      {list.length < MAX_CONTESTANTS && (
        <button type="button" onClick={() => setList([...list, { cell: 'gru', variant: 'none' }])} disabled={disabled}>
          + model
        </button>
      )}
      <select aria-label="race preset" value="" onChange={(e) => e.target.value !== '' && setList(RACE_PRESETS[Number(e.target.value)].contestants)} disabled={disabled}>
        <option value="">presets…</option>
        {RACE_PRESETS.map((p, i) => (
          <option key={p.label} value={i}>
            {p.label}
          </option>
        ))}
      </select>
      <label title="each model trains until its validation metric reaches this (≤ for a loss or MSE, ≥ for an accuracy); empty: no target">
        until metric reaches{' '}
        <input type="text" inputMode="decimal" aria-label="race target" placeholder="none" value={targetText} onChange={(e) => setTargetText(e.target.value)} disabled={disabled} style={{ width: '5rem' }} />
      </label>
      <label>
        {target === null ? 'steps' : 'or at most'} <input type="number" min={1} max={100000} aria-label="race step budget" value={steps} onChange={(e) => setSteps(Math.max(1, Math.round(Number(e.target.value) || 1)))} disabled={disabled} style={{ width: '6rem' }} />
        {target === null ? '' : ' steps'}
      </label>
      <button type="button" className="primary" onClick={() => onStart(list, steps, target)} disabled={disabled} title={list.map(contestantKey).join(',')}>
        Start race
      </button>
    </div>
  );
}
