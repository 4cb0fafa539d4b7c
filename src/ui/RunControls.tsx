// Play / pause, single step, reset (and the live σ_max); speed and engine (RunOptions) head the settings. Space toggles play and "." steps once
// when focus is not in a text field.
import { useEffect, useId } from 'react';
import { pause, play, reset, setConfig, setSpeed, stepOnce } from '../state/controller';
import { cellInfo } from '../core/spec';
import { useStore } from '../state/store';
import { useHidden } from './Controls';
import { formatSteps, formatValue } from './format';

const SPEEDS: { label: string; value: number | null }[] = [
  { label: 'slow (2 steps/s)', value: 2 },
  { label: '10 steps/s', value: 10 },
  { label: '50 steps/s', value: 50 },
  { label: 'as fast as possible', value: null },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || el.isContentEditable;
}

export function RunControls() {
  const status = useStore((s) => s.status);
  const step = useStore((s) => s.step);
  const reservoir = useStore((s) => cellInfo(s.config.cell).reservoir);
  const hideWrec = useHidden('wrec');
  const running = status === 'running';

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (useStore.getState().status === 'running') pause();
        else play();
      } else if (e.key === '.') {
        stepOnce();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    // on a phone this bar sticks to the top of the screen while the charts scroll by
    <div className="run-controls" role="group" aria-label="Run">
      <button
        type="button"
        className="primary"
        onClick={running ? pause : play}
        disabled={status === 'starting' || status === 'error' || status === 'diverged'}
        title={status === 'diverged' ? 'Rewind or reset first' : undefined}
        data-testid="play"
        aria-keyshortcuts="Space"
      >
        {running ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button type="button" onClick={stepOnce} disabled={running || status === 'starting' || status === 'diverged'} data-testid="step" aria-keyshortcuts=".">
        Step
      </button>
      <button type="button" onClick={reset} disabled={status === 'starting'} data-testid="reset">
        ↺ Reset
      </button>
      {!reservoir && !hideWrec && <LiveSigma />}
      <span className="step-count" data-testid="step-count" data-step={step} data-status={status}>
        step {formatSteps(step)} · {status}
      </span>
    </div>
  );
}

/** How fast the run goes and on which engine: the first of the settings. */
export function RunOptions() {
  const speed = useStore((s) => s.speed);
  const engine = useStore((s) => s.config.engine);
  const speedId = useId();
  const engineId = useId();
  const hideEngine = useHidden('engine');
  return (
    <div className="run-options panel" role="group" aria-label="Speed and engine">
      {/* a label and its menu never part */}
      <span className="labelled">
        <label htmlFor={speedId} className="inline-label">Speed</label>
        <select id={speedId} value={speed === null ? 'max' : String(speed)} onChange={(e) => setSpeed(e.target.value === 'max' ? null : Number(e.target.value))} data-testid="speed">
          {SPEEDS.map((s) => (
            <option key={s.label} value={s.value === null ? 'max' : String(s.value)}>
              {s.label}
            </option>
          ))}
        </select>
      </span>
      {!hideEngine && (
        <span className="labelled">
          <label htmlFor={engineId} className="inline-label">Engine</label>
          <select id={engineId} value={engine} onChange={(e) => setConfig({ engine: e.target.value as 'auto' | 'webgpu' | 'cpu' })} data-testid="engine-select">
            <option value="auto">auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="cpu">CPU</option>
          </select>
        </span>
      )}
    </div>
  );
}

/** The live σ_max in the run bar: on a phone the slider scrolls away, the number stays in sight. */
function LiveSigma() {
  const live = useStore((s) => (s.sigmaMax.length ? s.sigmaMax[s.sigmaMax.length - 1].value : NaN));
  return (
    <span className="run-sigma" aria-hidden="true">
      σ<sub>max</sub> {Number.isFinite(live) ? formatValue(live) : '–'}
    </span>
  );
}
