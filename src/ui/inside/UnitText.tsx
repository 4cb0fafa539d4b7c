// The input text coloured by one unit's activation, after Karpathy et al. (2015): blue where the unit is
// positive, red where negative. Hover a character to see every unit there (the strip), hover a unit in the
// strip or the ranking table to show it; click to keep it. The table ranks units by how well they track
// simple features of the text (inside a string, inside a comment, inside ( ), bracket depth, position in the
// line). A picker chooses which passage of the validation text is read; the text scrolls.
import { Fragment, memo, useMemo, useState } from 'react';
import type { FeatureRanking, ProbePassage } from '../../core/inspect/units';
import { unitSeries } from '../../core/inspect/units';
import { activationColors, activationScale, visibleChar } from './views';
import './inside.css';

export interface UnitTextProps {
  /** The characters the states were computed on (textProbe(...).chars), one per step. */
  chars: string[];
  /** Hidden or cell states of one layer, (T, B, H) with T = chars.length. */
  states: ArrayLike<number>;
  B: number;
  H: number;
  /** Which batch row the text is (0 for a textProbe). */
  b?: number;
  /** rankUnits(...) for the same states and text. */
  rankings: FeatureRanking[];
  /** 'hidden h' or 'cell c', shown in the heading. */
  stateName: string;
  /** The unit to start with (default: the best unit of the first ranking). */
  initialUnit?: number;
  /** Told when the user keeps a unit (click), e.g. to show it in the cell diagram. */
  onPickUnit?: (unit: number) => void;
  /** The passages of the text that can be read instead (probePassages), where this text starts, and the pick. */
  passages?: ProbePassage[];
  start?: number;
  onPickPassage?: (start: number) => void;
}

/** A feature that does not vary over the text correlates with nothing (every r is 0): the table says so. */
function constantFeature(r: FeatureRanking): boolean {
  return r.all.every((v) => v === 0);
}

function UnitTextImpl({ chars, states, B, H, b = 0, rankings, stateName, initialUnit, onPickUnit, passages, start, onPickPassage }: UnitTextProps) {
  const T = chars.length;
  const [kept, setKept] = useState<number>(initialUnit ?? rankings[0]?.top[0]?.unit ?? 0);
  const [hoverUnit, setHoverUnit] = useState<number | null>(null);
  const [hoverChar, setHoverChar] = useState<number | null>(null);
  const unit = Math.min(H - 1, hoverUnit ?? kept);
  const series = useMemo(() => unitSeries(states, T, B, H, b, unit), [states, T, B, H, b, unit]);
  const scale = activationScale(series);
  // Every unit's colour scale, so the strip's colours are comparable with the text's.
  const scales = useMemo(() => Array.from({ length: H }, (_, u) => activationScale(unitSeries(states, T, B, H, b, u))), [states, T, B, H, b]);
  const at = hoverChar ?? T - 1;
  const keep = (u: number) => {
    setKept(u);
    onPickUnit?.(u);
  };
  const unitButton = (u: number, label: string, r?: number) => (
    <button
      type="button"
      key={`${label}${u}`}
      className={u === kept ? 'picked' : undefined}
      onMouseEnter={() => setHoverUnit(u)}
      onMouseLeave={() => setHoverUnit(null)}
      onFocus={() => setHoverUnit(u)}
      onBlur={() => setHoverUnit(null)}
      onClick={() => keep(u)}
      title={r !== undefined ? `unit ${u}: r = ${r.toFixed(2)}` : `unit ${u}`}
    >
      {label}
    </button>
  );

  return (
    <section className="panel unit-text" aria-labelledby="unit-text-title" data-testid="unit-text">
      <div className="panel-head">
        <h2 id="unit-text-title">
          {stateName} unit {unit} over the text
        </h2>
        <span className="readout">
          {hoverChar !== null ? `“${visibleChar(chars[hoverChar])}” at ${hoverChar}: ${series[hoverChar].toFixed(3)}` : `colour scale ±${scale.toFixed(2)}`}
        </span>
      </div>
      {passages && passages.length > 1 && onPickPassage && (
        <div className="inside-form">
          <label>
            passage of the validation text{' '}
            <select value={start} onChange={(e) => onPickPassage(Number(e.target.value))} data-testid="probe-passage">
              {passages.map((p) => (
                <option key={p.start} value={p.start}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">
            {T} characters from character {start ?? 0}; the text scrolls
          </span>
        </div>
      )}
      <div className="text-view" tabIndex={0} aria-label={`the text, coloured by ${stateName} unit ${unit}`} onMouseLeave={() => setHoverChar(null)} data-unit={unit}>
        {chars.map((ch, i) => {
          const c = activationColors(series[i], scale);
          return (
            <Fragment key={i}>
              <span className={i === hoverChar ? 'ch hovered' : 'ch'} style={{ background: c.background, color: c.color }} onMouseEnter={() => setHoverChar(i)}>
                {visibleChar(ch)}
              </span>
              {ch === '\n' && <br />}
            </Fragment>
          );
        })}
      </div>
      <div className="muted">
        Every unit at {hoverChar !== null ? `character ${at}` : 'the last character'} (hover one to show it; click to keep it):
      </div>
      <div className="unit-strip" role="group" aria-label="units">
        {Array.from({ length: H }, (_, u) => {
          const value = states[(at * B + b) * H + u];
          const c = activationColors(value, scales[u]);
          return (
            <button
              type="button"
              key={u}
              className={u === kept ? 'picked' : undefined}
              style={{ background: c.background }}
              onMouseEnter={() => setHoverUnit(u)}
              onMouseLeave={() => setHoverUnit(null)}
              onClick={() => keep(u)}
              aria-label={`unit ${u}`}
              title={`unit ${u}: ${value.toFixed(3)}`}
            />
          );
        })}
      </div>
      <table className="unit-rank">
        <caption className="muted" style={{ textAlign: 'left' }}>
          Units that track a feature of the text (Pearson r over these {T} characters; sign kept)
        </caption>
        <thead>
          <tr>
            <th scope="col">feature</th>
            <th scope="col">best units (r)</th>
          </tr>
        </thead>
        <tbody>
          {rankings.map((r) => (
            <tr key={r.feature}>
              <th scope="row">{r.label}</th>
              <td>{constantFeature(r) ? <span className="muted">does not vary in this passage</span> : r.top.map((s) => unitButton(s.unit, `${s.unit} (${s.r >= 0 ? '+' : '−'}${Math.abs(s.r).toFixed(2)})`, s.r))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="legend">
        <span className="legend-item">
          <span className="cd-ramp" style={{ background: 'linear-gradient(to right, rgb(178, 24, 43), #f7f7f7, rgb(33, 102, 172))' }} /> negative · 0 · positive
        </span>
      </div>
    </section>
  );
}

export const UnitText = memo(UnitTextImpl);
