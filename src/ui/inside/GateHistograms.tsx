// Histograms of each gate's activations over time, batch and units, with the saturated zones marked:
// a sigmoid gate below 0.1 is closed, above 0.9 open; a tanh block beyond ±0.9 is saturated. Under each,
// the saturated fraction per time step shows whether saturation builds up along the sequence.
import { memo } from 'react';
import type { GateHistogram } from '../../core/inspect/gates';
import { histogramBars, percent } from './views';
import './inside.css';

export interface GateHistogramsProps {
  /** gateStatistics(...) of one layer. */
  stats: GateHistogram[];
  /** Per gate name, why a histogram looks the way it does (gateNotes for a Greff variant). */
  notes?: Record<string, string>;
  /** e.g. "layer 1 · step 1 200 · validation batch". */
  caption?: string;
}

const W = 180;
const H = 70;
const SPARK_H = 22;

function GateHistogramImpl({ stat, note }: { stat: GateHistogram; note?: string }) {
  const bars = histogramBars(stat, W, H);
  const sigmoid = stat.gate.activation === 'sigmoid';
  const x = (v: number) => ((v - stat.lo) / (stat.hi - stat.lo)) * W;
  const [low, high] = sigmoid ? [0.1, 0.9] : [-0.9, 0.9];
  const T = stat.saturationByStep.length;
  const spark = Array.from(stat.saturationByStep, (f, t) => `${t === 0 ? 'M' : 'L'}${T > 1 ? (t / (T - 1)) * W : W / 2},${SPARK_H - f * SPARK_H}`).join('');
  const lowWord = sigmoid ? 'closed' : 'below −0.9';
  const highWord = sigmoid ? 'open' : 'above 0.9';
  return (
    <figure className="gate-hist" data-gate={stat.gate.name} style={{ margin: 0 }}>
      <h3>
        {stat.gate.name} — {stat.gate.label}
      </h3>
      {/* each histogram is one Tab stop named by its numbers; its bars are not stops of their own */}
      <svg
        viewBox={`0 0 ${W} ${H + 16 + SPARK_H + 6}`}
        role="img"
        tabIndex={0}
        aria-label={`${stat.gate.label}: ${percent(stat.lowFraction)} ${lowWord}, ${percent(stat.highFraction)} ${highWord}, mean ${Number.isFinite(stat.mean) ? stat.mean.toFixed(2) : 'not finite'}`}
      >
        <rect x={0} y={0} width={x(low)} height={H} className="band" />
        <rect x={x(high)} y={0} width={W - x(high)} height={H} className="band" />
        {bars.map((b, k) => (
          <rect key={k} x={b.x} y={b.y} width={b.width} height={b.height} className={`zone-${b.zone}`}>
            <title>{`${(stat.lo + ((stat.hi - stat.lo) * k) / bars.length).toFixed(2)}–${(stat.lo + ((stat.hi - stat.lo) * (k + 1)) / bars.length).toFixed(2)}: ${percent(b.fraction)}`}</title>
          </rect>
        ))}
        <line x1={0} x2={W} y1={H} y2={H} stroke="#9aa1ab" />
        <text x={0} y={H + 12} className="tick">
          {stat.lo}
        </text>
        <text x={W / 2} y={H + 12} className="tick" textAnchor="middle">
          {(stat.lo + stat.hi) / 2}
        </text>
        <text x={W} y={H + 12} className="tick" textAnchor="end">
          {stat.hi}
        </text>
        <g transform={`translate(0, ${H + 18})`}>
          <rect x={0} y={0} width={W} height={SPARK_H} fill="#fafbfc" stroke="#eceef1" />
          {T > 0 && <path d={spark} fill="none" stroke="#222" strokeWidth={1.3} />}
        </g>
      </svg>
      <div className="sat">
        <span style={{ color: '#0072b2' }}>■</span> {lowWord} {percent(stat.lowFraction)} · <span style={{ color: '#d55e00' }}>■</span> {highWord} {percent(stat.highFraction)} · mean {Number.isFinite(stat.mean) ? stat.mean.toFixed(2) : '—'}
        {stat.nonFinite > 0 && <> · {stat.nonFinite} non-finite</>}
      </div>
      {note && <div className="note">{note}</div>}
    </figure>
  );
}

const OneHistogram = memo(GateHistogramImpl);

export function GateHistograms({ stats, notes, caption }: GateHistogramsProps) {
  return (
    <section className="panel" aria-labelledby="gate-hists-title" data-testid="gate-histograms">
      <div className="panel-head">
        <h2 id="gate-hists-title">Gate activations</h2>
        {caption && <span className="readout">{caption}</span>}
      </div>
      {stats.length === 0 ? (
        <p className="muted">Gates exist only in LSTM and GRU cells.</p>
      ) : (
        <>
          <div className="gate-hists">
            {stats.map((s) => (
              <OneHistogram key={s.gate.name} stat={s} note={notes?.[s.gate.name]} />
            ))}
          </div>
          <p className="muted" style={{ marginTop: '0.4rem' }}>
            Over every time step, sequence and unit. Shaded: the saturated zones — for a σ gate, σ′ = σ(1 − σ) is below 0.09 there, so little gradient passes through it. The line under each histogram is the saturated fraction at each time step t (0 → 1, left to right).
          </p>
        </>
      )}
    </section>
  );
}
