// The W_rec control: a log-scale slider over 0.1–10 for the largest singular value of the recurrent
// matrix, with the 1/γ threshold marked. It shows the live σ_max of the training network (training moves it),
// unless "hold" keeps it at the set value. Moving it rescales the live weights; it is also the initial scale
// after a reset.
import { useEffect, useRef, useState } from 'react';
import { cellInfo } from '../core/spec';
import { setConfig } from '../state/controller';
import { useStore } from '../state/store';
import { formatValue } from './format';
import { positionOfScale, scaleOfPosition, trackFraction, WREC_MAX, WREC_MIN, WREC_POSITIONS } from './logSlider';

/** γ bounds the activation's derivative: 1 for tanh and ReLU, so the threshold σ_max = 1/γ is 1. */
const THRESHOLD = 1;

function regimeOf(sigma: number): string {
  return sigma < THRESHOLD * 0.97 ? 'below 1/γ: gradients vanish' : sigma > THRESHOLD * 1.03 ? 'above 1/γ: gradients can explode' : 'at the threshold';
}

export function WrecSlider() {
  const wrec = useStore((s) => s.config.wrec);
  const hold = useStore((s) => s.config.hold);
  const cell = useStore((s) => s.config.cell);
  const live = useStore((s) => (s.sigmaMax.length ? s.sigmaMax[s.sigmaMax.length - 1].value : NaN));
  // While the user drags, the handle follows the hand; afterwards it follows the network's live σ_max again.
  const [dragged, setDragged] = useState<number | null>(null);
  const release = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (release.current) clearTimeout(release.current);
  }, []);
  const letGo = () => {
    if (release.current) clearTimeout(release.current);
    release.current = setTimeout(() => setDragged(null), 600);
  };
  const shown = dragged ?? (Number.isFinite(live) ? live : wrec > 0 ? wrec : 1);
  const regime = regimeOf(shown);
  const disabled = cellInfo(cell).reservoir; // a reservoir is scaled by its spectral radius instead
  return (
    <section className="panel wrec" aria-labelledby="wrec-title">
      <div className="wrec-head">
        <h2 id="wrec-title">
          <label htmlFor="wrec-slider">
            W<sub>rec</sub> scale σ<sub>max</sub>
          </label>
        </h2>
        <output htmlFor="wrec-slider" className="wrec-value" data-testid="wrec-value" title={hold ? 'held at the set value while the network trains' : 'the live σ_max of the training network'}>
          {formatValue(shown)}
        </output>
      </div>
      <div className="wrec-track">
        <input
          id="wrec-slider"
          type="range"
          min={0}
          max={WREC_POSITIONS}
          step={1}
          value={positionOfScale(shown)}
          disabled={disabled}
          aria-valuetext={`${formatValue(shown)} (${regime})`}
          aria-describedby="wrec-help"
          onChange={(e) => {
            const value = scaleOfPosition(Number(e.target.value));
            setDragged(value);
            letGo();
            setConfig({ wrec: value });
          }}
          onPointerUp={letGo}
          onBlur={letGo}
          data-testid="wrec-slider"
        />
        <div className="wrec-threshold" style={{ left: `${trackFraction(THRESHOLD) * 100}%` }} aria-hidden="true">
          <span>1/γ</span>
        </div>
        <div className="wrec-scale" aria-hidden="true">
          <span>{WREC_MIN}</span>
          <span>1</span>
          <span>{WREC_MAX}</span>
        </div>
      </div>
      {!disabled && (
        <label className="wrec-hold">
          <input type="checkbox" checked={hold} onChange={(e) => setConfig({ hold: e.target.checked })} data-testid="wrec-hold" /> hold it there while the network trains
        </label>
      )}
      <p id="wrec-help" className="muted">
        {disabled
          ? 'An echo-state reservoir is fixed: use its spectral radius ρ under Model.'
          : hold
            ? <>Largest singular value of W_hh (gates stacked), held at {formatValue(wrec)}: re-projected after every update. {regime}.</>
            : <>Largest singular value of W_hh (gates stacked), live: training moves it (set to {wrec > 0 ? formatValue(wrec) : 'the initialiser’s scale'}). {regime}.</>}
      </p>
    </section>
  );
}
