// "Inside the cell" and the lab (race, sweep), mounted on the page. The inside views ask the training
// worker for an inspection of the current weights: when the section opens, whenever training pauses, on
// request (a picker, or the "look again" button) and, while "follow training" is on, again a moment after
// each answer while the run trains. The lab runs in a worker of its own (labWorker.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { InspectRequest, InspectSnapshot } from '../core/inspect/snapshot';
import type { Contestant } from '../core/inspect/race';
import { currentTaskData, onWorkerMessage, requestFromWorker } from '../state/controller';
import { lessonById } from '../core/lessons';
import { useStore } from '../state/store';
import { InsidePanel } from './inside/InsidePanel';
import { LabPanel, type LabWorker } from './inside/LabPanel';

/**
 * While following a running training, the next inspection is asked for this long after the last answer — or
 * 4× as long as the last one took, so that a slow one (a big heat map) leaves training most of the time.
 */
const FOLLOW_EVERY_MS = 1500;
const FOLLOW_DUTY = 4;

function InsideLive() {
  const T = useStore((s) => s.config.T);
  const status = useStore((s) => s.status);
  const rebuiltStep = useStore((s) => (s.step === 0 ? 0 : 1)); // a fresh network (rebuild or reset)
  const [snapshot, setSnapshot] = useState<InspectSnapshot | null>(null);
  const [step, setStep] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  // the request being answered, shown by the pickers while busy
  const [pending, setPending] = useState<InspectRequest | null>(null);
  const waiting = useRef(0);
  const askedAt = useRef(0);
  const lastDuration = useRef(0);
  const last = useRef<InspectRequest>({ layer: 0, unit: 0, window: T });

  useEffect(
    () =>
      onWorkerMessage((msg) => {
        if (msg.type === 'inspectProgress' && msg.id === waiting.current) setProgress({ done: msg.done, total: msg.total });
      }),
    [],
  );

  const request = useCallback((r: InspectRequest) => {
    last.current = r;
    askedAt.current = performance.now();
    setBusy(true);
    setPending(r);
    setProgress(null);
    const build = (id: number) => {
      waiting.current = id;
      return { type: 'inspect' as const, id, request: r };
    };
    // only the newest inspection is answered: a newer request replaces this one
    requestFromWorker('inspection', build, true).then(
      (msg) => {
        lastDuration.current = performance.now() - askedAt.current;
        setBusy(false);
        setPending(null);
        setProgress(null);
        setError(msg.error);
        if (msg.snapshot) {
          setSnapshot(msg.snapshot);
          setStep(msg.step);
        }
      },
      (e: Error) => {
        setBusy(false);
        setPending(null);
        setProgress(null);
        setError(e.message);
      },
    );
  }, []);

  // a new network (other settings) keeps the pickers but not a connectivity window longer than its T
  useEffect(() => {
    last.current = { ...last.current, window: T, t: undefined };
  }, [T]);

  // following: a moment after each answer, look again while the run trains (inspections queue between steps)
  useEffect(() => {
    if (!follow || status !== 'running' || busy) return;
    const timer = setTimeout(() => request(last.current), Math.max(FOLLOW_EVERY_MS, FOLLOW_DUTY * lastDuration.current));
    return () => clearTimeout(timer);
  }, [follow, status, busy, request, step]);

  // on opening, and whenever the run stops (pause, divergence, the step target), look at the weights
  useEffect(() => {
    if (status === 'paused' || status === 'diverged') request(last.current);
  }, [status, request, rebuiltStep]);
  useEffect(() => {
    request(last.current);
  }, [request]);

  return (
    <div className="inside-live">
      <div className="inside-actions">
        <button type="button" onClick={() => request(last.current)} disabled={busy} data-testid="inspect-now">
          {busy ? 'Looking…' : 'Look again at the current weights'}
        </button>
        <label className="toggle">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="inspect-follow" /> follow training
        </label>
        <span className="muted">{follow ? 'Looks again every moment while it trains, and when it pauses.' : 'Looks again when training pauses.'}</span>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <InsidePanel snapshot={snapshot} step={step} busy={busy} progress={progress} pending={pending} onRequest={request} />
    </div>
  );
}

function createLabWorker(): LabWorker {
  return new Worker(new URL('../train/labWorker.ts', import.meta.url), { type: 'module', name: 'rnnlab-lab' }) as unknown as LabWorker;
}

function LabLive({ initialRace }: { initialRace: Contestant[] }) {
  const config = useStore((s) => s.config);
  // a race from the link wins; else the lesson's own race (GRU vs LSTM, the Greff ablation)
  const lesson = lessonById(config.preset);
  const race = initialRace.length ? initialRace : (lesson?.race ?? []);
  const corpusLoaded = useStore((s) => s.corpusLoaded);
  const userDataVersion = useStore((s) => s.userDataVersion);
  // the task data is read when it changes (a corpus fetched, the user's own data given)
  const data = useMemo(() => currentTaskData(config), [config, corpusLoaded, userDataVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  const engine = useStore((s) => s.engine?.kind);
  // a lesson's race runs to its target within its budget (the GRU lesson: MSE 0.01 within 2,500 steps)
  const raceGoal = lesson?.race ? { initialBudget: lesson.budget, initialTarget: lesson.targets?.[0] } : {};
  return <LabPanel config={config} data={data} createWorker={createLabWorker} initialRace={race.length ? race : undefined} engine={engine} {...raceGoal} />;
}

/** Collapsible sections: their workers and computations start only when opened. */
export function InsideSection({ initialRace }: { initialRace: Contestant[] }) {
  const [insideOpen, setInsideOpen] = useState(false);
  const [labOpen, setLabOpen] = useState(initialRace.length > 0);
  return (
    <>
      <details className="section" open={insideOpen} onToggle={(e) => setInsideOpen((e.target as HTMLDetailsElement).open)} data-testid="inside-section">
        <summary>
          <span className="section-title">Inside the cell</span>
          <span className="muted"> gates, a unit over the input, connectivity, the cell drawn</span>
        </summary>
        {insideOpen && <InsideLive />}
      </details>
      <details className="section" open={labOpen} onToggle={(e) => setLabOpen((e.target as HTMLDetailsElement).open)} data-testid="lab-section">
        <summary>
          <span className="section-title">Lab: races and sweeps</span>
          <span className="muted"> several models on the same data and seed</span>
        </summary>
        {labOpen && <LabLive initialRace={initialRace} />}
      </details>
    </>
  );
}
