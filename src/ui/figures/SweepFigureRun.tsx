// What the figures that train fresh runs share (the success figure, the long-lag table, the variants compared):
// the cells, lags, seeds and budget of a sweep of T; Start / Cancel, the progress of the sweep ("run 3 of 20: LSTM at T = 50, step 120 of 1000") and its error.
// The sweep itself runs in a lab worker (useSweepWorker).
import { useState } from 'react';
import type { Config } from '../../core/config';
import { budgetsWith, choiceFromLink, choiceToLink, type SweepChoice } from '../../core/figures/params';
import { MAX_SUCCESS_SEEDS, MIN_SUCCESS_SEEDS } from '../../core/figures/successVsLength';
import { MAX_SWEEP_VALUES } from '../../core/inspect/sweep';
import type { CellKind } from '../../core/spec';
import { parseLags } from '../tasks/lagSweepPlan';
import { setConfig } from '../../state/controller';
import { useStore } from '../../state/store';
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

export const CELL_CHOICES: { cell: CellKind; label: string }[] = [
  { cell: 'rnn_tanh', label: 'tanh RNN' },
  { cell: 'gru', label: 'GRU' },
  { cell: 'lstm', label: 'LSTM' },
];
export const CELL_KINDS = CELL_CHOICES.map((c) => c.cell);

/** What a sweep of T over cells asks for: the cells, the lags, the seeds per point and the step budget per run. */
export type LagSweepChoice = SweepChoice<CellKind>;

/** The cells' checkboxes, the lags, seeds and steps per run (test ids `<figure>-lags`, `-seeds`, `-steps`). */
export function LagSweepControls({ figure, choice, onChange, budgets, disabled }: { figure: SweepFigure; choice: LagSweepChoice; onChange: (next: LagSweepChoice) => void; budgets: readonly number[]; disabled: boolean }) {
  const set = (patch: Partial<LagSweepChoice>) => onChange({ ...choice, ...patch });
  return (
    <>
      {CELL_CHOICES.map((c) => (
        <label key={c.cell}>
          <input
            type="checkbox"
            checked={choice.cells.includes(c.cell)}
            disabled={disabled}
            onChange={(e) => set({ cells: CELL_CHOICES.map((x) => x.cell).filter((x) => (x === c.cell ? e.target.checked : choice.cells.includes(x))) })}
          />
          {c.label}
        </label>
      ))}
      <label>
        T <input type="text" value={choice.lagText} disabled={disabled} onChange={(e) => set({ lagText: e.target.value })} aria-label="lags T to try" data-testid={`${figure}-lags`} size={16} />
      </label>
      <label>
        seeds{' '}
        <input type="number" min={MIN_SUCCESS_SEEDS} max={MAX_SUCCESS_SEEDS} value={choice.seeds} disabled={disabled} onChange={(e) => set({ seeds: Number(e.target.value) })} data-testid={`${figure}-seeds`} />
      </label>
      <label>
        steps per run{' '}
        <select value={choice.steps} disabled={disabled} onChange={(e) => set({ steps: Number(e.target.value) })} data-testid={`${figure}-steps`}>
          {budgetsWith(budgets, choice.steps).map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** The lags of a choice, checked: whole numbers from 1 to `maxLag`, at most MAX_SWEEP_VALUES of them (throws with a message). */
export function choiceLags(choice: LagSweepChoice, maxLag: number): number[] {
  const lags = parseLags(choice.lagText, 1, maxLag);
  if (new Set(lags).size > MAX_SWEEP_VALUES) throw new Error(`At most ${MAX_SWEEP_VALUES} lags.`);
  return lags;
}

/**
 * A sweep figure's choice, first read from the link (on the figure's defaults; the notice names what the link asked
 * for that the figure does not offer), and `share`, which writes a started choice back into the link.
 */
export function useLinkedChoice<C extends string>(offered: readonly C[], defaults: SweepChoice<C>) {
  const [linked] = useState(() => choiceFromLink(useStore.getState().config, offered, defaults));
  const [choice, setChoice] = useState(linked.choice);
  const share = (lags: readonly number[], extra: Partial<Config> = {}) => setConfig({ ...choiceToLink(choice, lags), ...extra });
  return { choice, setChoice, notice: linked.notice, share };
}

/** The notice of a link's figure parameters that were left out. */
export function LinkNotice({ notice }: { notice: string | null }) {
  return notice ? (
    <p className="muted" role="status">
      {notice}
    </p>
  ) : null;
}

/** Where a figure's fresh runs train and from which seed: the page's engine (its 'auto' resolved once it has one) and seed. */
export function useRunsPage(): Pick<Config, 'engine' | 'seed'> {
  const seed = useStore((s) => s.config.seed);
  const pageEngine = useStore((s) => s.config.engine);
  const activeEngine = useStore((s) => s.engine?.kind);
  return { engine: activeEngine ?? pageEngine, seed };
}
