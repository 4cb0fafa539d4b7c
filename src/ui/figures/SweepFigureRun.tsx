// What the figures that train fresh runs share (the success figure, the long-lag table, the variants compared):
// Start / Cancel, the progress of the sweep ("run 3 of 20: LSTM at T = 50, step 120 of 1000") and its error.
// The sweep itself runs in a lab worker (useSweepWorker).
import type { Config } from '../../core/config';
import type { SweepWorker } from '../useSweepWorker';

type SweepFigure = Extract<Config['figure'], 'success' | 'longlag' | 'variants'>;

/** Start (primary) while idle, Cancel while the sweep runs; test ids `<figure>-start`, `<figure>-cancel`. */
export function SweepStartButton({ figure, sweep, onStart }: { figure: SweepFigure; sweep: SweepWorker; onStart: () => void }) {
  return sweep.running ? (
    <button type="button" onClick={sweep.cancel} data-testid={`${figure}-cancel`}>
      Cancel
    </button>
  ) : (
    <button type="button" className="primary" onClick={onStart} data-testid={`${figure}-start`}>
      Start
    </button>
  );
}

/** The progress bar while the sweep runs (named `label` for screen readers), and the error once one stopped it. */
export function SweepStatus({ figure, sweep, label }: { figure: SweepFigure; sweep: SweepWorker; label: string }) {
  const { progress, plan, error } = sweep;
  const current = progress?.current ?? null;
  return (
    <>
      {sweep.running && progress && (
        <div className="sweep-figure-progress">
          <progress max={1} value={progress.fraction} aria-label={label} data-testid={`${figure}-progress`} />
          <span className="muted">
            run {Math.min(progress.runsDone + 1, progress.runsTotal)} of {progress.runsTotal}
            {current && `: ${current.label} at ${plan?.setting ?? 'T'} = ${current.value}, step ${current.step} of ${plan?.steps ?? '?'}`}
          </span>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
