// A sweep (core/inspect/sweep.ts) run in a lab worker of its own (src/train/labWorker.ts), for the views that start
// one and draw it as it goes: the lag sweep and the success-against-length figure. One sweep at a time; starting
// another ends the one before.
import { useEffect, useRef, useState } from 'react';
import type { FromLab, ToLab } from '../core/inspect/lab';
import { sweepRuns, type SweepPlan, type SweepProgress, type SweepResult } from '../core/inspect/sweep';

/** The one sweep a view's worker runs at a time. */
const SWEEP_ID = 1;

export interface SweepWorker {
  plan: SweepPlan | null;
  result: SweepResult | null;
  progress: SweepProgress | null;
  error: string | null;
  setError: (message: string | null) => void;
  running: boolean;
  start: (plan: SweepPlan) => void;
  /** Asks the sweep to stop between steps; it then posts what finished (a cut-short run is left out). */
  cancel: () => void;
  /** Ends the worker at once (nothing more arrives). */
  stop: () => void;
}

/** `workerName` labels the worker; `what` names the job in a failure ("The sweep stopped: …"). */
export function useSweepWorker(workerName: string, what: string): SweepWorker {
  const [plan, setPlan] = useState<SweepPlan | null>(null);
  const [result, setResult] = useState<SweepResult | null>(null);
  const [progress, setProgress] = useState<SweepProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const worker = useRef<Worker | null>(null);
  // whether a worker is on (the ref holds it for the handlers; render reads this state instead)
  const [workerOn, setWorkerOn] = useState(false);
  useEffect(() => () => worker.current?.terminate(), []);

  const stop = () => {
    worker.current?.terminate();
    worker.current = null;
    setWorkerOn(false);
    setProgress(null);
  };

  const start = (next: SweepPlan) => {
    stop();
    setError(null);
    setPlan(next);
    setResult(null);
    setProgress({ runsDone: 0, runsTotal: sweepRuns(next).length, fraction: 0, current: null });
    const w = new Worker(new URL('../train/labWorker.ts', import.meta.url), { type: 'module', name: workerName });
    worker.current = w;
    setWorkerOn(true);
    w.onmessage = (event: MessageEvent<FromLab>) => {
      const m = event.data;
      if (m.type === 'sweep') {
        setResult(m.result);
        setProgress(m.progress);
        if (m.done) stop();
      } else if (m.type === 'error') {
        setError(`${what} stopped: ${m.message}`);
        stop();
      }
    };
    w.onerror = (e) => {
      setError(`${what} stopped: ${e.message || 'the worker failed'}`);
      stop();
    };
    w.postMessage({ type: 'sweep', id: SWEEP_ID, plan: next } satisfies ToLab);
  };

  const cancel = () => worker.current?.postMessage({ type: 'cancel', id: SWEEP_ID } satisfies ToLab);

  return { plan, result, progress, error, setError, running: workerOn && progress !== null, start, cancel, stop };
}
