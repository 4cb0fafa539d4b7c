// "Export & runs": the export panel (the run as a zip; weights, PyTorch script, metrics, charts; import) and the
// list of runs kept in this browser. The run itself is saved by an Autosaver every few seconds, when training
// pauses and when the page is hidden or closed; a reload of the same tab resumes the run it showed
// (sessionStorage holds its id), and the list resumes any other. The weights live in the worker: they are
// fetched by message.
import { decodeRun, encodeRun } from '../core/lessons';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type Config } from '../core/config';
import { configPatchForModel, exportMetadata, type ImportedModel } from '../core/export/importModel';
import type { MetricRecord } from '../core/export/metrics';
import { createTask } from '../core/tasks';
import type { Task } from '../core/tasks/task';
import type { Batch } from '../core/batch';
import { CHECK_SEQUENCES } from '../core/export/pytorch';
import { Rng } from '../core/rng';
import { cellLabel, type ModelSpec } from '../core/spec';
import { REBUILD_KEYS, sameRun } from '../core/configChange';
import { currentTaskData, forwardOne, loadModel, requestFromWorker, resumeRun, setConfig } from '../state/controller';
import { urlWithConfig } from '../state/url';
import { lessonById } from '../core/lessons';
import type { SavedCheckpoint } from '../train/protocol';
import { browserAutosaveHost } from '../state/runs/browserHost';
import { Autosaver, newRunId, RunStore, type RunSnapshot, type SavedRun } from '../state/runs/runStore';
import { useStore } from '../state/store';
import { specFromConfig } from '../core/modelConfig';
import { ExportPanel } from './export/ExportPanel';
import { metricsFromStore } from './export/exportData';
import { RunList } from './export/RunList';

/** How often the run is saved while it trains. */
const AUTOSAVE_MS = 5000;
const SESSION_KEY = 'rnnlab-current-run';

function requestModel(config: Config, step: number): Promise<Uint8Array> {
  return requestFromWorker('model', (id) => ({ type: 'exportModel', id, metadata: exportMetadata(config, step) })).then((r) => {
    if (!r.bytes) throw new Error(r.error ?? 'the worker sent no model');
    return r.bytes;
  });
}

function requestCheckpoint(): Promise<{ step: number; checkpoint: SavedCheckpoint | null }> {
  return requestFromWorker('checkpoint', (id) => ({ type: 'checkpoint', id })).then((r) => {
    if (r.error) throw new Error(r.error);
    return { step: r.step, checkpoint: r.checkpoint };
  });
}

function defaultRunName(config: Config): string {
  const lesson = lessonById(config.preset);
  if (lesson) return lesson.title;
  const cell = cellLabel(config.cell, config.variant);
  return `${config.task}, ${cell}, H ${config.H}`;
}

/** The history the store holds now, as run records. */
function currentRecords(): MetricRecord[] {
  return metricsFromStore(useStore.getState()).records;
}

function resumeInWorker(run: Pick<SavedRun, 'checkpoint' | 'step' | 'metrics' | 'name'>): void {
  if (run.checkpoint) resumeRun({ ...run, checkpoint: run.checkpoint });
}

export function ExportSection() {
  const [open, setOpen] = useState(false);
  const [store, setStore] = useState<RunStore | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [currentId, setCurrentId] = useState<string>(() => {
    const id = sessionStorage.getItem(SESSION_KEY) ?? newRunId();
    sessionStorage.setItem(SESSION_KEY, id);
    return id;
  });
  const [saved, setSaved] = useState<{ step: number; message: string | null } | null>(null);
  const idRef = useRef(currentId);
  const networkRef = useRef<Config>(useStore.getState().config);
  const config = useStore((s) => s.config);
  const step = useStore((s) => s.step);
  const engineReady = useStore((s) => s.engine !== null);
  const status = useStore((s) => s.status);
  const corpusLoaded = useStore((s) => s.corpusLoaded);
  const userDataVersion = useStore((s) => s.userDataVersion);

  const adopt = (id: string) => {
    idRef.current = id;
    setCurrentId(id);
    sessionStorage.setItem(SESSION_KEY, id);
  };

  useEffect(() => {
    let cancelled = false;
    RunStore.open()
      .then((s) => (cancelled ? s.close() : setStore(s)))
      .catch((e) => setUnavailable(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, []);

  // A reload of this tab: resume the run it showed, if it is the same network.
  const resumed = useRef(false);
  useEffect(() => {
    if (!store || !engineReady || resumed.current) return;
    resumed.current = true;
    void store.load(idRef.current).then((run) => {
      if (!run || !run.checkpoint) return;
      if (!sameRun(decodeRun(run.config).config, useStore.getState().config)) {
        adopt(newRunId()); // another link in this tab: a new run
        return;
      }
      resumeInWorker(run);
    });
  }, [store, engineReady]);

  // A different network (another preset, cell, size…) is a new run; live changes (W_rec, lr) are not.
  useEffect(() => {
    if (!sameRun(networkRef.current, config)) adopt(newRunId());
    networkRef.current = config;
  }, [config]);

  // The autosaver lives while the store is open; it is made in the effect that starts it, since its snapshot
  // reads the current run's id, and the pause effect below finds it in a ref.
  const autosaverRef = useRef<Autosaver | null>(null);
  useEffect(() => {
    if (!store) return;
    const snapshot = async (): Promise<RunSnapshot | null> => {
      const state = useStore.getState();
      if (state.step === 0 || !state.engine) return null;
      const { step: workerStep, checkpoint } = await requestCheckpoint();
      const id = idRef.current;
      const existing = (await store.list()).find((r) => r.id === id);
      return {
        id,
        name: existing?.name ?? defaultRunName(state.config),
        config: encodeRun(state.config),
        step: workerStep,
        checkpoint,
        metrics: currentRecords(),
      };
    };
    const autosaver = new Autosaver(store, snapshot, {
      everyMs: AUTOSAVE_MS,
      onSaved: (outcome, snap) => setSaved({ step: outcome.ok ? snap.step : -1, message: outcome.message }),
    });
    autosaverRef.current = autosaver;
    autosaver.start(browserAutosaveHost());
    return () => {
      autosaver.stop();
      autosaverRef.current = null;
    };
  }, [store]);

  // a pause is a good moment: the run is exactly where the student left it
  useEffect(() => {
    const autosaver = autosaverRef.current;
    if (autosaver && (status === 'paused' || status === 'diverged')) void autosaver.saveNow();
  }, [store, status]);

  // the page's copy of the task and the spec depend only on the network's settings: not rebuilt while W_rec is dragged
  const networkKey = REBUILD_KEYS.map((k) => String(config[k])).join('|');
  const network: { task: Task; spec: ModelSpec } | null = useMemo(() => {
    try {
      const c = useStore.getState().config;
      const task = createTask(c, currentTaskData(c));
      return { task, spec: specFromConfig(c, task) };
    } catch {
      return null;
    }
  }, [networkKey, corpusLoaded, userDataVersion]); // eslint-disable-line react-hooks/exhaustive-deps

  /** Validation sequences for the check file (any inputs will do: the outputs are computed on them at export time). */
  const checkBatch = (): Batch | null => {
    const c = useStore.getState().config;
    return network ? network.task.batch('val', CHECK_SEQUENCES, c.T, new Rng(c.seed)) : null;
  };

  const onImport = async (model: ImportedModel) => {
    const base = useStore.getState().config;
    const next: Config = model.config ? { ...model.config, embed: base.embed, presenter: base.presenter, hide: base.hide } : { ...base, ...configPatchForModel(model.spec) };
    networkRef.current = next;
    adopt(newRunId());
    setConfig(next);
    loadModel(model.params, model.step ?? 0);
  };

  const onResume = (run: SavedRun) => {
    const base = useStore.getState().config;
    const next = { ...decodeRun(run.config).config, embed: base.embed, presenter: base.presenter, hide: base.hide };
    networkRef.current = next;
    adopt(run.id);
    setConfig(next);
    resumeInWorker(run);
  };

  return (
    <details className="section" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="export-section">
      <summary>
        <span className="section-title">Export &amp; runs</span>
        <span className="muted" data-testid="autosave-status" data-step={saved?.step ?? -1}>
          {' '}
          {unavailable ? 'runs are not kept in this browser' : saved && saved.step >= 0 ? `saved in this browser at step ${saved.step}` : 'weights to PyTorch, metrics, charts; runs kept in this browser'}
        </span>
      </summary>
      {saved?.message && <p className="inline-error">{saved.message}</p>}
      {open && (
        <div className="export-grid">
          <ExportPanel
            config={config}
            spec={network?.spec ?? null}
            step={step}
            getModel={() => requestModel(useStore.getState().config, useStore.getState().step)}
            getMetrics={() => metricsFromStore(useStore.getState())}
            chartsRoot={() => document.querySelector('.views')}
            onImport={onImport}
            getCheckBatch={checkBatch}
            forward={forwardOne}
            paused={status === 'paused'}
            getRunData={() => currentTaskData(useStore.getState().config)}
            getLink={() => urlWithConfig(window.location.href, useStore.getState().config)}
          />
          <RunList store={store} unavailable={unavailable} currentId={currentId} onResume={onResume} refreshKey={saved} />
        </div>
      )}
    </details>
  );
}
