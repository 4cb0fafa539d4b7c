// Races and sweeps on the page: the setup forms, the views, and a worker of their own (LabSession behind
// it) so the main training keeps its worker. The worker is created on the first start and ended on unmount.
import { encodeRun } from '../../core/lessons';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type Config } from '../../core/config';
import type { FromLab, ToLab } from '../../core/inspect/lab';
import { DEFAULT_RACE_BUDGET, defaultRaceTarget, withRace, type Contestant, type RaceResult } from '../../core/inspect/race';
import type { SweepProgress, SweepResult } from '../../core/inspect/sweep';
import type { TaskData } from '../../core/tasks/task';
import { RaceSetup, RaceView } from './RaceView';
import { SweepSetup, SweepView } from './SweepView';
import './inside.css';

/** What the panel needs of a Worker (a real one on the page). */
export interface LabWorker {
  postMessage(message: ToLab): void;
  onmessage: ((event: MessageEvent<FromLab>) => void) | null;
  terminate(): void;
}

export interface LabPanelProps {
  /** The page's current Config: the base every race and sweep starts from (same task, seed, T, …). */
  config: Config;
  /** User data the task needs (the corpus text for the char task, a CSV column). */
  data?: TaskData;
  /** Makes the lab worker, e.g. () => new Worker(new URL('../../train/labWorker.ts', import.meta.url), { type: 'module' }). */
  createWorker: () => LabWorker;
  /** A race from the URL (takeRace), started when the panel opens. */
  initialRace?: Contestant[];
  /** The race's step budget (a lesson's budget; default DEFAULT_RACE_BUDGET). */
  initialBudget?: number;
  /** The validation metric value a race runs to (a lesson's target; default: defaultRaceTarget of the task). */
  initialTarget?: number | null;
  /** The page's address without a query, for the race's share link (default: location without its query). */
  baseUrl?: string;
  /** The engine the page's run is on: races and sweeps train there too (default: the config's choice). */
  engine?: 'cpu' | 'webgpu';
}

export function LabPanel({ config, data, createWorker, initialRace, initialBudget = DEFAULT_RACE_BUDGET, initialTarget, baseUrl, engine }: LabPanelProps) {
  const target0 = initialTarget === undefined ? defaultRaceTarget(config.task) : initialTarget;
  // what the lab trains on: the page's active engine ('auto' already resolved by the page)
  const labBase = useMemo(() => (engine ? { ...config, engine } : config), [config, engine]);
  const worker = useRef<LabWorker | null>(null);
  const nextId = useRef(1);
  const [job, setJob] = useState<{ id: number; kind: 'race' | 'sweep' } | null>(null);
  const [race, setRace] = useState<{ result: RaceResult; steps: number; target: number | null; contestants: Contestant[] } | null>(null);
  const [sweep, setSweep] = useState<{ result: SweepResult; progress: SweepProgress } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const planned = useRef<{ steps: number; target: number | null; contestants: Contestant[] }>({ steps: 0, target: null, contestants: [] });
  const currentId = useRef(0); // messages of an older (cancelled) job are ignored

  const ensureWorker = useCallback((): LabWorker => {
    if (worker.current) return worker.current;
    const w = createWorker();
    w.onmessage = (event) => {
      const m = event.data;
      if (m.id !== currentId.current) return;
      if (m.type === 'error') {
        setError(m.message);
        setJob((j) => (j?.id === m.id ? null : j));
      } else if (m.type === 'race') {
        setRace({ result: m.result, ...planned.current });
        if (m.done) setJob((j) => (j?.id === m.id ? null : j));
      } else {
        setSweep({ result: m.result, progress: m.progress });
        if (m.done) setJob((j) => (j?.id === m.id ? null : j));
      }
    };
    worker.current = w;
    return w;
  }, [createWorker]);

  useEffect(() => () => worker.current?.terminate(), []);

  const startRace = useCallback(
    (contestants: Contestant[], steps: number, target: number | null) => {
      const id = nextId.current++;
      currentId.current = id;
      planned.current = { steps, target, contestants };
      setError(null);
      setRace(null);
      setJob({ id, kind: 'race' });
      ensureWorker().postMessage({ type: 'race', id, base: labBase, contestants, steps, target, data });
    },
    [labBase, data, ensureWorker],
  );

  const started = useRef(false);
  useEffect(() => {
    if (started.current || !initialRace || initialRace.length < 2) return;
    started.current = true;
    startRace(initialRace, initialBudget, target0);
  }, [initialRace, initialBudget, target0, startRace]);

  const cancel = () => job && worker.current?.postMessage({ type: 'cancel', id: job.id });
  const shareBase = baseUrl ?? (typeof location !== 'undefined' ? `${location.origin}${location.pathname}` : '');
  const shareUrl = race ? `${shareBase}?${withRace(encodeRun(config), race.contestants)}` : undefined;

  return (
    <div className="inside-panel" data-testid="lab-panel">
      {error && (
        <p className="panel error" role="alert">
          {error}
        </p>
      )}
      <section className="panel">
        <div className="panel-head">
          <h2>Race: same data, same seed</h2>
        </div>
        <p className="muted">Train two to four models side by side on identical batches — RNN vs LSTM vs GRU, or LSTM variants — with every other setting from the current run, each until its validation metric reaches the target or the step budget is spent.</p>
        <RaceSetup key={`${config.task}:${initialBudget}:${target0}`} initial={initialRace ?? []} initialSteps={initialBudget} initialTarget={target0} disabled={job !== null} onStart={startRace} />
      </section>
      {race && <RaceView result={race.result} running={job?.kind === 'race'} stepsPlanned={race.steps} onCancel={cancel} shareUrl={shareUrl} />}
      <section className="panel">
        <div className="panel-head">
          <h2>Sweep one setting</h2>
        </div>
        <SweepSetup
          disabled={job !== null}
          onStart={(plan) => {
            const id = nextId.current++;
            currentId.current = id;
            setError(null);
            setSweep(null);
            setJob({ id, kind: 'sweep' });
            ensureWorker().postMessage({ type: 'sweep', id, plan: { base: labBase, ...plan }, data });
          }}
        />
      </section>
      {sweep && <SweepView result={sweep.result} progress={sweep.progress} running={job?.kind === 'sweep'} onCancel={cancel} />}
    </div>
  );
}
