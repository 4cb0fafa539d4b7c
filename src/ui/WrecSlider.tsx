// The W_rec control: a log-scale slider over 0.1–10 for the largest singular value of the recurrent
// matrix, with the 1/γ threshold marked. Moving it while training rescales the live weights; it is
// also the initial scale after a reset.
import { setConfig } from '../state/controller';
import { useStore } from '../state/store';
import { formatValue } from './format';
import { positionOfScale, scaleOfPosition, trackFraction, WREC_MAX, WREC_MIN, WREC_POSITIONS } from './logSlider';

/** γ bounds the activation's derivative: 1 for tanh and ReLU, so the threshold σ_max = 1/γ is 1. */
const THRESHOLD = 1;

export function WrecSlider() {
  const wrec = useStore((s) => s.config.wrec);
  const cell = useStore((s) => s.config.cell);
  const sigma = useStore((s) => (s.sigmaMax.length ? s.sigmaMax[s.sigmaMax.length - 1].value : NaN));
  const shown = wrec > 0 ? wrec : 1;
  const regime = wrec <= 0 ? 'initialiser scale' : wrec < THRESHOLD * 0.97 ? 'below 1/γ: gradients vanish' : wrec > THRESHOLD * 1.03 ? 'above 1/γ: gradients can explode' : 'at the threshold';
  const disabled = cell === 'esn';
  return (
    <section className="panel wrec" aria-labelledby="wrec-title">
      <div className="wrec-head">
        <h2 id="wrec-title">
          <label htmlFor="wrec-slider">
            W<sub>rec</sub> scale σ<sub>max</sub>
          </label>
        </h2>
        <output htmlFor="wrec-slider" className="wrec-value" data-testid="wrec-value">
          {wrec > 0 ? formatValue(wrec) : 'init'}
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
          onChange={(e) => setConfig({ wrec: scaleOfPosition(Number(e.target.value)) })}
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
      <p id="wrec-help" className="muted">
        {disabled
          ? 'An echo-state reservoir is fixed: use its spectral radius ρ under Model.'
          : <>Largest singular value of W_hh (gates stacked), set now and at every reset: {regime}. Training moves it: now σ<sub>max</sub> = {Number.isNaN(sigma) ? '—' : formatValue(sigma)}.</>}
      </p>
    </section>
  );
}
