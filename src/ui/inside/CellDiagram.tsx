// The cell, drawn in the manner of Olah's "Understanding LSTM Networks": the carried state as a line along
// the top, the gates as boxes (σ σ tanh σ), pointwise ⊗ and ⊕ nodes, and the flows between them — each
// painted with its live value for one unit at one time step. A slider and buttons step through the sequence.
import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { paintValue, shortValue, type CellStepValues, type Paint, type GruStepValues, type LstmStepValues } from './cellDiagram';
import './inside.css';

export interface CellDiagramProps {
  cell: 'lstm' | 'gru';
  /** Per time step, the chosen unit's values (cellStepValues). */
  values: CellStepValues[];
  step: number;
  onStep: (step: number) => void;
  /** What the input was at each step (a character, a number), shown under x_t. */
  inputLabels?: string[];
  /** Shown in the heading, e.g. "layer 1, unit 7, sequence 0". */
  caption?: string;
}

/** Text on a painted fill, outlined by the paint's halo where the fill is a mid-tone. */
function PaintedText({ paint, children, ...props }: { paint: Paint; children: ReactNode; x: number; y: number; className: string }) {
  return (
    <text {...props} textAnchor="middle" fill={paint.text} {...(paint.halo ? { stroke: paint.halo, strokeWidth: 3, strokeLinejoin: 'round' as const, paintOrder: 'stroke' } : {})}>
      {children}
    </text>
  );
}

const BOX_W = 72;
const BOX_H = 58;

function GateBox({ x, y, symbol, name, value, range }: { x: number; y: number; symbol: string; name: string; value: number; range: 'unit' | 'signed' }) {
  const paint = paintValue(value, range);
  return (
    <g className="cd-gate" data-gate={name}>
      <title>{`${name} = ${shortValue(value)}`}</title>
      <rect x={x - BOX_W / 2} y={y - BOX_H / 2} width={BOX_W} height={BOX_H} rx={6} fill={paint.fill} stroke="#3d4552" strokeWidth={1.2} />
      <PaintedText paint={paint} x={x} y={y - 15} className="cd-gate-name">
        {name}
      </PaintedText>
      <PaintedText paint={paint} x={x} y={y + 5} className={symbol === 'σ' ? 'cd-symbol' : 'cd-symbol-small'}>
        {symbol}
      </PaintedText>
      <PaintedText paint={paint} x={x} y={y + 22} className="cd-value">
        {shortValue(value)}
      </PaintedText>
    </g>
  );
}

function Op({ x, y, op, title }: { x: number; y: number; op: string; title: string }) {
  return (
    <g className="cd-op">
      <title>{title}</title>
      <circle cx={x} cy={y} r={13} fill="#fff" stroke="#3d4552" strokeWidth={1.4} />
      <text x={x} y={y + 5} textAnchor="middle" className="cd-op-symbol">
        {op}
      </text>
    </g>
  );
}

/** A value chip on a flow: coloured swatch and number. */
function Chip({ x, y, label, value, anchor = 'start', range = 'signed' }: { x: number; y: number; label: string; value: number; anchor?: 'start' | 'end' | 'middle'; range?: 'unit' | 'signed' }) {
  const paint = paintValue(value, range);
  const text = `${label} = ${shortValue(value)}`;
  const width = 9 + text.length * 7.2;
  const left = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return (
    <g className="cd-chip" data-flow={label}>
      <rect x={left} y={y - 12} width={width} height={20} rx={4} fill={paint.fill} stroke="#3d4552" strokeWidth={0.6} />
      <PaintedText paint={paint} x={left + width / 2} y={y + 2} className="cd-chip-text">
        {text}
      </PaintedText>
    </g>
  );
}

/** The arrowhead marker's id, unique per diagram so two diagrams on one page do not share it. */
const ArrowId = createContext('cd-arrow');
function Line({ d }: { d: string }) {
  return <path d={d} className="cd-flow" markerEnd={`url(#${useContext(ArrowId)})`} />;
}
const Wire = ({ d }: { d: string }) => <path d={d} className="cd-flow" />;

function LstmDrawing({ v, input }: { v: LstmStepValues; input: string }) {
  return (
    <>
      <rect x={70} y={32} width={500} height={282} rx={18} className="cd-body" />
      {/* the cell state: the constant error carousel */}
      <Wire d="M 20 70 L 167 70" />
      <Line d="M 193 70 L 325 70" />
      <Line d="M 353 70 L 620 70" />
      <Op x={180} y={70} op="×" title="forget: f · c(t−1)" />
      <Op x={340} y={70} op="+" title="c(t) = f · c(t−1) + i · g" />
      {/* input bus: h(t−1) from the left, x(t) from below */}
      <Wire d="M 20 285 L 420 285" />
      <Wire d="M 110 350 L 110 285" />
      <Line d="M 180 285 L 180 246" />
      <Line d="M 260 285 L 260 246" />
      <Line d="M 340 285 L 340 246" />
      <Line d="M 420 285 L 420 246" />
      {/* gates to the pointwise nodes */}
      <Line d="M 180 186 L 180 85" />
      <Line d="M 260 186 L 260 140 L 325 140" />
      <Line d="M 340 186 L 340 155" />
      <Op x={340} y={140} op="×" title="write: i · g" />
      <Line d="M 340 127 L 340 85" />
      {/* output: tanh(c) times o */}
      <Line d="M 500 70 L 500 124" />
      <ellipse cx={500} cy={140} rx={26} ry={15} fill={paintValue(v.squashed, 'signed').fill} stroke="#3d4552" strokeWidth={1.2} />
      <PaintedText paint={paintValue(v.squashed, 'signed')} x={500} y={145} className="cd-symbol-small">
        tanh
      </PaintedText>
      <Line d="M 500 156 L 500 201" />
      <Line d="M 452 215 L 486 215" />
      <Op x={500} y={215} op="×" title="h(t) = o · tanh(c(t))" />
      <Wire d="M 500 229 L 500 285 L 600 285" />
      <Line d="M 600 285 L 630 285" />
      <Line d="M 600 285 L 600 14" />

      <GateBox x={180} y={215} symbol="σ" name="forget f" value={v.f} range="unit" />
      <GateBox x={260} y={215} symbol="σ" name="input i" value={v.i} range="unit" />
      <GateBox x={340} y={215} symbol="tanh" name="candidate g" value={v.g} range="signed" />
      <GateBox x={420} y={215} symbol="σ" name="output o" value={v.o} range="unit" />

      <Chip x={20} y={52} label="c(t−1)" value={v.cPrev} />
      <Chip x={198} y={98} label="f·c(t−1)" value={v.kept} />
      <Chip x={356} y={110} label="i·g" value={v.written} />
      <Chip x={590} y={52} label="c(t)" value={v.c} anchor="end" />
      <Chip x={516} y={172} label="tanh c" value={v.squashed} />
      <Chip x={20} y={305} label="h(t−1)" value={v.hPrev} />
      <Chip x={630} y={305} label="h(t)" value={v.h} anchor="end" />
      <text x={118} y={346} className="cd-input">
        x(t) {input}
      </text>
    </>
  );
}

function GruDrawing({ v, input }: { v: GruStepValues; input: string }) {
  const oneMinusZ = 1 - v.z;
  return (
    <>
      <rect x={70} y={32} width={520} height={282} rx={18} className="cd-body" />
      {/* the hidden state runs along the top */}
      <Wire d="M 20 70 L 427 70" />
      <Line d="M 453 70 L 547 70" />
      <Line d="M 573 70 L 625 70" />
      <Op x={440} y={70} op="×" title="keep: z · h(t−1)" />
      <Op x={560} y={70} op="+" title="h(t) = z · h(t−1) + (1 − z) · n" />
      {/* h(t−1) drops to the gates; x(t) joins from below */}
      <Wire d="M 90 70 L 90 285 L 460 285" />
      <Wire d="M 120 350 L 120 285" />
      <Line d="M 170 285 L 170 246" />
      <Line d="M 280 285 L 280 246" />
      <Line d="M 460 285 L 460 246" />
      {/* r scales the recurrent part of the candidate */}
      <Line d="M 170 186 L 170 160 L 445 160 L 445 184" />
      {/* z keeps the old state and, through 1 − z, lets the candidate in */}
      <Wire d="M 280 186 L 280 110 L 440 110" />
      <Line d="M 440 110 L 440 85" />
      <Line d="M 440 110 L 500 110 L 500 135" />
      <Op x={500} y={150} op="1−" title="1 − z" />
      <Line d="M 513 150 L 545 150" />
      <Op x={560} y={150} op="×" title="write: (1 − z) · n" />
      <Wire d="M 475 186 L 475 176 L 560 176" />
      <Line d="M 560 176 L 560 165" />
      <Line d="M 560 137 L 560 85" />

      <GateBox x={170} y={215} symbol="σ" name="reset r" value={v.r} range="unit" />
      <GateBox x={280} y={215} symbol="σ" name="update z" value={v.z} range="unit" />
      <GateBox x={460} y={215} symbol="tanh" name="candidate n" value={v.n} range="signed" />

      <Chip x={20} y={52} label="h(t−1)" value={v.hPrev} />
      <Chip x={440} y={44} label="z·h(t−1)" value={v.kept} anchor="middle" />
      <Chip x={380} y={132} label="1−z" value={oneMinusZ} anchor="end" range="unit" />
      <Chip x={578} y={150} label="(1−z)·n" value={v.written} />
      <Chip x={625} y={52} label="h(t)" value={v.h} anchor="end" />
      <text x={300} y={175} className="cd-note">
        r ⊙ (W_hn h + b_hn)
      </text>
      <text x={128} y={346} className="cd-input">
        x(t) {input}
      </text>
    </>
  );
}

export function CellDiagram({ cell, values, step, onStep, inputLabels, caption }: CellDiagramProps) {
  const [playing, setPlaying] = useState(false);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const arrowId = `cd-arrow-${uid}`;
  const titleId = `cd-title-${uid}`;
  const T = values.length;
  const t = Math.max(0, Math.min(step, T - 1));
  // playing stops at the last step
  if (playing && t >= T - 1) setPlaying(false);
  useEffect(() => {
    if (!playing) return;
    const id = setTimeout(() => onStep(t + 1), 600);
    return () => clearTimeout(id);
  }, [playing, t, T, onStep]);

  if (T === 0) {
    return (
      <section className="panel inside-cell" aria-label="The cell, drawn">
        <h2>The cell</h2>
        <p className="muted">Run a forward pass to see the gates of a unit.</p>
      </section>
    );
  }
  const v = values[t];
  const input = inputLabels?.[t] !== undefined ? `= ${JSON.stringify(inputLabels[t]).slice(1, -1)}` : '';
  const title = cell === 'lstm' ? 'LSTM cell' : 'GRU cell';
  return (
    <section className="panel inside-cell" aria-labelledby={titleId} data-testid="cell-diagram">
      <div className="panel-head">
        <h2 id={titleId}>{title}, drawn</h2>
        {caption && <span className="readout">{caption}</span>}
      </div>
      <svg viewBox={`0 0 ${cell === 'lstm' ? 640 : 690} 362`} className="cd-svg" role="img" aria-label={`${title} at step ${t}: values of one unit`}>
        <defs>
          <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#3d4552" />
          </marker>
        </defs>
        <ArrowId.Provider value={arrowId}>{v.kind === 'lstm' ? <LstmDrawing v={v} input={input} /> : <GruDrawing v={v} input={input} />}</ArrowId.Provider>
      </svg>
      <div className="cd-controls">
        <button type="button" onClick={() => onStep(Math.max(0, t - 1))} disabled={t === 0} aria-label="previous step">
          ◀
        </button>
        <button type="button" onClick={() => setPlaying((p) => !p)} aria-label={playing ? 'pause stepping' : 'play through the sequence'}>
          {playing ? '❚❚' : '▶ play'}
        </button>
        <button type="button" onClick={() => onStep(Math.min(T - 1, t + 1))} disabled={t >= T - 1} aria-label="next step">
          ▶
        </button>
        <input type="range" min={0} max={T - 1} value={t} onChange={(e) => onStep(Number(e.target.value))} aria-label="time step" data-testid="cell-step" />
        <span className="readout">
          t = {t} / {T - 1}
        </span>
      </div>
      <div className="legend">
        <span className="legend-item">
          <span className="cd-ramp cd-ramp-unit" /> gates: 0 closed → 1 open
        </span>
        <span className="legend-item">
          <span className="cd-ramp cd-ramp-signed" /> states and flows: − purple · 0 white · + orange
        </span>
      </div>
    </section>
  );
}
