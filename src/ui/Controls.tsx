// Settings grouped by task, model and training. Every control is a labelled native input, so it is
// keyboard operable; each writes the Config (and through it the URL). Numbers commit on Enter or blur
// so typing "100" does not rebuild the network at 1 and 10 on the way.
import { useId, useState } from 'react';
import { BIAS_INITS, BPTTS, CLIPS, CONFIG_FIELDS, CORPORA, INITS, numberSetting, OPTIMIZERS, TASKS, type Config } from '../core/config';
import { CELLS, cellInfo, LSTM_VARIANTS } from '../core/spec';
import { postToWorker, setConfig } from '../state/controller';
import { useStore } from '../state/store';
import { hiddenKeys } from '../state/url';

/** Whether the URL hides a control (its Config key) or a group ('group:model'). */
export function useHidden(key: string): boolean {
  return useStore((s) => (s.config.hide === '' ? false : hiddenKeys(s.config.hide).has(key)));
}

type NumberKey = { [K in keyof Config]: Config[K] extends number ? K : never }[keyof Config];
type EnumKey = 'task' | 'corpus' | 'cell' | 'variant' | 'init' | 'bias' | 'opt' | 'clip' | 'bptt';

const LABELS: Partial<Record<keyof Config, string>> = {
  task: 'Task', T: 'Sequence length T', corpus: 'Corpus', seed: 'Seed',
  cell: 'Cell', variant: 'LSTM variant', H: 'Hidden size H', layers: 'Layers', init: 'Initialisation', bias: 'LSTM gate biases',
  rho: 'Spectral radius ρ', leak: 'Leak rate', inScale: 'Input scaling',
  opt: 'Optimiser', lr: 'Learning rate', mom: 'Momentum', B: 'Batch size B', clip: 'Clipping', clipAt: 'Clip threshold',
  l2: 'L2 penalty', omega: 'Ω regulariser', bptt: 'Backprop through time', k1: 'TBPTT k₁', k2: 'TBPTT k₂', steps: 'Stop after steps (0 = never)',
};

const OPTION_TEXT: Record<string, string> = {
  adding: 'adding problem', copy: 'copy memory', temporal_order: 'temporal order', reber: 'embedded Reber grammar', continual_reber: 'continual Reber stream (no resets)',
  sine: 'sine wave', sines: 'sum of sines', mackey_glass: 'Mackey–Glass', random_walk: 'random walk', csv: 'CSV series', char: 'characters (language model)',
  ...Object.fromEntries(CELLS.map((c) => [c, cellInfo(c).name])),
  none: 'none (PyTorch)', vanilla: 'vanilla (peepholes)', nig: 'NIG: no input gate', nfg: 'NFG: no forget gate', nog: 'NOG: no output gate',
  niaf: 'NIAF: no input activation', noaf: 'NOAF: no output activation', np: 'NP: no peepholes', cifg: 'CIFG: coupled input-forget', fgr: 'FGR: full gate recurrence',
  default: 'as initialised', forget1: 'forget gate b_f = 1', chrono: 'chrono (Tallec & Ollivier)',
  pytorch: 'PyTorch uniform', xavier: 'Xavier', orthogonal: 'orthogonal', identity: 'identity (IRNN)',
  sgd: 'SGD', momentum: 'SGD + momentum', rmsprop: 'RMSProp', adam: 'Adam', norm: 'by norm', value: 'by value',
  full: 'full', truncated: 'truncated', code: 'code', grammar: 'grammar', user: 'your text',
};

const OPTIONS: Record<EnumKey, readonly string[]> = {
  task: TASKS, corpus: CORPORA, cell: CELLS, variant: LSTM_VARIANTS, init: INITS, bias: BIAS_INITS, opt: OPTIMIZERS, clip: CLIPS, bptt: BPTTS,
};

function SelectField({ name }: { name: EnumKey }) {
  const id = useId();
  const value = useStore((s) => s.config[name]) as string;
  if (useHidden(name)) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{LABELS[name]}</label>
      <select id={id} value={value} onChange={(e) => setConfig({ [name]: e.target.value } as Partial<Config>)} data-testid={`field-${name}`}>
        {OPTIONS[name].map((o) => (
          <option key={o} value={o}>
            {OPTION_TEXT[o] ?? o}
          </option>
        ))}
      </select>
    </div>
  );
}

function NumberField({ name }: { name: NumberKey }) {
  const id = useId();
  const value = useStore((s) => s.config[name]) as number;
  const spec = CONFIG_FIELDS[name as keyof typeof CONFIG_FIELDS] as { kind: string; min: number; max: number };
  const [text, setText] = useState(String(value));
  // what the box did with the last value typed ("T = 0 is below 2; set to 2"), shown next to it as a link's notice is
  const [notice, setNotice] = useState<string | null>(null);
  const noticeId = useId();
  // a new value from elsewhere (a preset, a link, a refused entry) replaces what the box shows
  const [shownValue, setShownValue] = useState(value);
  if (!Object.is(value, shownValue)) {
    setShownValue(value);
    setText(String(value));
  }
  const hidden = useHidden(name);
  const commit = () => {
    if (text === String(value)) return; // nothing typed (a blur after Enter): the notice stays
    const { value: next, notice: said } = numberSetting(name, text, value);
    setNotice(said);
    if (next !== value) setConfig({ [name]: next } as Partial<Config>);
    // A refused value (over the memory budget) leaves the Config as it was: show what is in force.
    setText(String(useStore.getState().config[name]));
  };
  if (hidden) return null;
  return (
    <div className={notice ? 'field with-notice' : 'field'}>
      <label htmlFor={id}>{LABELS[name]}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step={spec.kind === 'int' ? 1 : 'any'}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
        aria-describedby={notice ? noticeId : undefined}
        data-testid={`field-${name}`}
      />
      {notice && (
        <p id={noticeId} className="field-notice" role="status" data-testid={`field-notice-${name}`}>
          {notice}
        </p>
      )}
    </div>
  );
}

/** ESN: the reservoir's spectral radius as a slider (applied to the live reservoir) and the one-shot readout fit. */
export function ReservoirControls() {
  const id = useId();
  const rho = useStore((s) => s.config.rho);
  const status = useStore((s) => s.status);
  const hidden = useHidden('rho');
  return (
    <div className="reservoir panel" aria-label="Reservoir">
      {!hidden && (
        <div className="field">
          <label htmlFor={id}>
            Spectral radius ρ <output className="value">{rho.toFixed(2)}</output>
          </label>
          <input id={id} type="range" min={0} max={2} step={0.01} value={Math.min(2, rho)} onChange={(e) => setConfig({ rho: Number(e.target.value) })} data-testid="rho-slider" />
        </div>
      )}
      <button type="button" onClick={() => postToWorker({ type: 'fitReadout' })} disabled={status === 'starting'} data-testid="fit-readout" title="Solve for the readout weights in one shot (ridge regression on the reservoir states)">
        Fit readout (ridge)
      </button>
    </div>
  );
}

export function Controls() {
  const cell = cellInfo(useStore((s) => s.config.cell));
  const task = useStore((s) => s.config.task);
  const clip = useStore((s) => s.config.clip);
  const bptt = useStore((s) => s.config.bptt);
  const opt = useStore((s) => s.config.opt);
  const hideTask = useHidden('group:task');
  const hideModel = useHidden('group:model');
  const hideTraining = useHidden('group:training');
  return (
    <div className="controls">
      {!hideTask && (
        <fieldset className="panel">
          <legend>Task</legend>
          <SelectField name="task" />
          <NumberField name="T" />
          {task === 'char' && <SelectField name="corpus" />}
          <NumberField name="seed" />
        </fieldset>
      )}
      {!hideModel && (
        <fieldset className="panel">
          <legend>Model</legend>
          <SelectField name="cell" />
          {cell.lstmVariants && <SelectField name="variant" />}
          <NumberField name="H" />
          {!cell.reservoir && <NumberField name="layers" />}
          <SelectField name="init" />
          {cell.lstmVariants && <SelectField name="bias" />}
          {cell.reservoir && (
            <>
              <NumberField name="leak" />
              <NumberField name="inScale" />
            </>
          )}
        </fieldset>
      )}
      {!hideTraining && (
        <fieldset className="panel">
          <legend>Training</legend>
          <SelectField name="opt" />
          <NumberField name="lr" />
          {opt === 'momentum' && <NumberField name="mom" />}
          <NumberField name="B" />
          <SelectField name="clip" />
          {clip !== 'none' && <NumberField name="clipAt" />}
          <NumberField name="l2" />
          {cell.omega && <NumberField name="omega" />}
          <SelectField name="bptt" />
          {bptt === 'truncated' && (
            <>
              <NumberField name="k1" />
              <NumberField name="k2" />
            </>
          )}
          <NumberField name="steps" />
        </fieldset>
      )}
    </div>
  );
}
