// The bridge between the page and the training worker. It lives outside React: it sends commands,
// turns the worker's messages into bounded chart series, and writes them with useStore.setState.
// It also keeps the URL in step with the Config (history.replaceState).
import { defaultConfig, type Config } from '../core/config';
import type { MetricRecord } from '../core/export/metrics';
import { corpusPath, createTask } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import { checkMemoryBudget, type BufferLimits } from '../engine/budget';
import { paramLayout } from '../core/spec';
import { specFromConfig } from '../core/modelConfig';
import { DecimatingSeries } from './decimate';
import { lessonById, lessonConfig } from '../core/lessons';
import { lessonCheckpointMessages } from './lessonCheckpoint';
import type { FromWorker, SavedCheckpoint, StepSummary, ToWorker } from '../train/protocol';
import { takeNewerProfiles } from './profiles';
import { emptyMetrics, useStore } from './store';
import { configFromUrl, urlWithConfig } from './url';

/** Chart series keep at most this many points (older ones are merged in pairs). */
const SERIES_CAPACITY = 800;
/** The heatmap shows this many of the most recent profiles. */
const HEAT_COLUMNS = 240;
/** Clip markers kept for the gradient-norm chart. */
const CLIP_MARKERS = 400;

class Series {
  loss = new DecimatingSeries(SERIES_CAPACITY);
  valLoss = new DecimatingSeries(SERIES_CAPACITY);
  metric = new DecimatingSeries(SERIES_CAPACITY);
  gradNorm = new DecimatingSeries(SERIES_CAPACITY);
  sigmaMax = new DecimatingSeries(SERIES_CAPACITY);
  spectralRadius = new DecimatingSeries(SERIES_CAPACITY);
  all(): DecimatingSeries[] {
    return [this.loss, this.valLoss, this.metric, this.gradNorm, this.sigmaMax, this.spectralRadius];
  }
  push(s: StepSummary): void {
    this.loss.push(s.step, s.loss);
    if (s.valLoss !== null) this.valLoss.push(s.step, s.valLoss);
    if (s.metric !== null) this.metric.push(s.step, s.metric);
    this.gradNorm.push(s.step, s.gradNorm);
    this.sigmaMax.push(s.step, s.sigmaMax);
    this.spectralRadius.push(s.step, s.spectralRadius);
  }
}

let worker: Worker | null = null;
let series = new Series();
/** Texts of the shipped corpora, fetched once when the char task asks for them. */
const corpora = new Map<string, string>();

export function corpusText(name: string): string | null {
  return corpora.get(name) ?? null;
}

/** The user's own data (a CSV column or a text), given through the task view's data input. */
let userData: TaskData = {};

export function setUserData(data: TaskData): void {
  userData = { ...userData, ...data };
  useStore.setState({ userDataVersion: useStore.getState().userDataVersion + 1 });
  sendConfig(useStore.getState().config);
}

/** What the task of a Config needs besides the Config: a shipped corpus or the user's data. */
async function dataFor(config: Config): Promise<TaskData> {
  if (config.task === 'csv') return userData.series ? { series: userData.series } : {};
  if (config.task !== 'char') return {};
  if (config.corpus === 'user') return userData.text !== undefined ? { text: userData.text } : {};
  const text = await ensureCorpus(config);
  return text === null ? {} : { text };
}

/** The data the page's own copy of the task is built from (the same the worker gets, once loaded). */
export function currentTaskData(config: Config): TaskData {
  if (config.task === 'csv') return userData.series ? { series: userData.series } : {};
  if (config.task !== 'char') return {};
  const text = config.corpus === 'user' ? userData.text : corpusText(config.corpus);
  return text === undefined || text === null ? {} : { text };
}

/** The corpus a Config needs, fetched from public/corpora on first use; null when it needs none. */
async function ensureCorpus(config: Config): Promise<string | null> {
  if (config.task !== 'char' || config.corpus === 'user') return null;
  const name = config.corpus;
  const cached = corpora.get(name);
  if (cached !== undefined) return cached;
  try {
    const response = await fetch(import.meta.env.BASE_URL + corpusPath(name));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    corpora.set(name, text);
    useStore.setState({ corpusLoaded: name });
    return text;
  } catch (e) {
    useStore.setState({ message: `the "${name}" corpus could not be loaded (${e instanceof Error ? e.message : String(e)})` });
    return null;
  }
}

/** Sends the Config, after fetching the corpus it needs (messages stay in order: one chain). */
let sendChain: Promise<void> = Promise.resolve();
function sendConfig(config: Config, then: ToWorker[] = []): void {
  sendChain = sendChain.then(async () => {
    post({ type: 'configure', config, data: await dataFor(config) });
    for (const m of then) post(m);
  });
}

function post(message: ToWorker): void {
  worker?.postMessage(message);
}

function clearMetrics(): void {
  series = new Series();
  useStore.setState({ ...emptyMetrics(), step: 0, divergence: null, divergedAt: null });
}

/** Listeners for the replies the page's panels asked for (export, checkpoints, inspection). */
const workerListeners = new Set<(msg: FromWorker) => void>();

/** Calls `listener` with every message from the training worker; returns the unsubscribe. */
export function onWorkerMessage(listener: (msg: FromWorker) => void): () => void {
  workerListeners.add(listener);
  return () => workerListeners.delete(listener);
}

/** Sends a command after any pending configure (so it applies to the settings the user just chose). */
export function postToWorker(message: ToWorker): void {
  command(message);
}

/** Puts a saved run's history back into the charts (after it was resumed at its step). */
export function restoreHistory(records: readonly MetricRecord[], step: number): void {
  series = new Series();
  for (const r of records) {
    series.loss.push(r.step, r.loss);
    if (r.valLoss !== null) series.valLoss.push(r.step, r.valLoss);
    if (r.metric !== null && r.metric !== undefined) series.metric.push(r.step, r.metric);
    if (r.gradNorm !== null) series.gradNorm.push(r.step, r.gradNorm);
    const sigma = Array.isArray(r.sigmaMax) ? r.sigmaMax[0] : r.sigmaMax;
    const radius = Array.isArray(r.spectralRadius) ? r.spectralRadius[0] : r.spectralRadius;
    if (typeof sigma === 'number') series.sigmaMax.push(r.step, sigma);
    if (typeof radius === 'number') series.spectralRadius.push(r.step, radius);
  }
  useStore.setState({
    ...emptyMetrics(),
    step,
    divergence: null,
    divergedAt: null,
    loss: series.loss.snapshot(),
    valLoss: series.valLoss.snapshot(),
    metric: series.metric.snapshot(),
    gradNorm: series.gradNorm.snapshot(),
    sigmaMax: series.sigmaMax.snapshot(),
    spectralRadius: series.spectralRadius.snapshot(),
  });
}

function onMessage(msg: FromWorker): void {
  for (const listener of workerListeners) listener(msg);
  switch (msg.type) {
    case 'ready':
      if (msg.rebuilt) clearMetrics();
      if (msg.rebuilt && !recovery.history) recovery.checkpoint = null; // a new or reset run: the old checkpoint is not of it
      useStore.setState({ engine: msg.engine, step: msg.step, error: null });
      return;
    case 'status':
      useStore.setState({ status: msg.status, step: msg.step });
      return;
    case 'frames': {
      const state = useStore.getState();
      let clipSteps = state.clipSteps;
      const newClips: number[] = [];
      for (const s of msg.steps) {
        series.push(s);
        if (s.clipFactor < 1) newClips.push(s.step);
      }
      if (newClips.length) clipSteps = [...clipSteps, ...newClips].slice(-CLIP_MARKERS);
      // every profile is a column of the heatmap (the history of its step); the one shown is never of older weights
      const shown = takeNewerProfiles({ profile: state.profile, newestVersion: state.weightsVersion }, msg.profiles, msg.weightsVersion);
      let heatColumns = state.heatColumns;
      let heatSteps = state.heatSteps;
      if (msg.profiles.length) {
        heatColumns = [...heatColumns, ...msg.profiles.map((p) => p.dh[0])].slice(-HEAT_COLUMNS);
        heatSteps = [...heatSteps, ...msg.profiles.map((p) => p.step)].slice(-HEAT_COLUMNS);
      }
      const last = msg.steps[msg.steps.length - 1];
      const metricName = msg.steps.find((s) => s.metricName)?.metricName ?? state.metricName;
      useStore.setState({
        loss: series.loss.snapshot(),
        valLoss: series.valLoss.snapshot(),
        metric: series.metric.snapshot(),
        metricName,
        gradNorm: series.gradNorm.snapshot(),
        sigmaMax: series.sigmaMax.snapshot(),
        spectralRadius: series.spectralRadius.snapshot(),
        clipSteps,
        heatColumns,
        heatSteps,
        profile: shown.profile,
        weightsVersion: shown.newestVersion,
        step: last ? last.step : state.step,
        lastLoss: last ? last.loss : state.lastLoss,
        stepsPerSecond: msg.stepsPerSecond,
        verdict: msg.verdict,
      });
      return;
    }
    case 'profile': {
      const state = useStore.getState();
      const shown = takeNewerProfiles({ profile: state.profile, newestVersion: state.weightsVersion }, [msg.profile]);
      useStore.setState({ profile: shown.profile, weightsVersion: shown.newestVersion });
      return;
    }
    case 'snapshot':
      useStore.setState({ snapshot: { step: msg.step, outputs: msg.outputs, batch: msg.batch } });
      return;
    case 'diverged':
      useStore.setState({ divergence: msg.message, divergedAt: msg.step, status: 'diverged', step: msg.step });
      return;
    case 'rewound': {
      for (const s of series.all()) s.truncateAfter(msg.step);
      const state = useStore.getState();
      const keep = state.heatSteps.map((s) => s <= msg.step);
      useStore.setState({
        divergence: null,
        divergedAt: null,
        step: msg.step,
        message: `rewound to step ${msg.step}, the last finite checkpoint`,
        // the profile and loss shown were of the diverged step: the next step draws fresh ones
        profile: null,
        lastLoss: NaN,
        loss: series.loss.snapshot(),
        valLoss: series.valLoss.snapshot(),
        metric: series.metric.snapshot(),
        gradNorm: series.gradNorm.snapshot(),
        sigmaMax: series.sigmaMax.snapshot(),
        spectralRadius: series.spectralRadius.snapshot(),
        clipSteps: state.clipSteps.filter((s) => s <= msg.step),
        heatColumns: state.heatColumns.filter((_, i) => keep[i]),
        heatSteps: state.heatSteps.filter((_, i) => keep[i]),
      });
      return;
    }
    case 'notice':
      useStore.setState({ message: msg.message });
      return;
    case 'forwardResult': {
      const waiting = forwardRequests.get(msg.id);
      forwardRequests.delete(msg.id);
      if (!waiting) return;
      if (msg.outputs) waiting.resolve(msg.outputs);
      else waiting.reject(new Error(msg.error ?? 'forward pass failed'));
      return;
    }
    case 'error':
      useStore.setState({ error: msg.message, status: 'error' });
      return;
    case 'checkpoint':
      // ours or the autosave's: either is the current run's newest state
      if (msg.checkpoint) recovery.checkpoint = { step: msg.step, config: useStore.getState().config, checkpoint: msg.checkpoint };
      return;
    case 'restored':
      if (recovery.history && recovery.history.step === msg.step) restoreCharts(recovery.history);
      recovery.history = null;
      return;
  }
}

function writeUrl(config: Config): void {
  const next = urlWithConfig(window.location.href, config);
  if (next !== window.location.href) window.history.replaceState(null, '', next);
}

/** Reads the URL, starts the worker and begins training (unless the link pins `steps` and it is reached). */
export function start(): void {
  const decoded = configFromUrl(window.location.href);
  let { config } = decoded;
  const notices = [...decoded.notices];
  const linked = budgetProblem(config);
  if (linked) {
    // like any bad value in a link: replaced, and listed in the notice
    const d = defaultConfig();
    config = { ...config, H: d.H, layers: d.layers, T: d.T, B: d.B };
    notices.push(`not started as linked: ${linked}; H, layers, T and B were set to their defaults`);
  }
  useStore.setState({ config, notices });
  writeUrl(config);
  startWorker();
  document.addEventListener('visibilitychange', onVisibilityChange);
  void readGpuLimits();
  const problem = budgetProblem(config);
  if (problem) {
    // nothing is built: a smaller setting (setConfig) builds the run
    useStore.setState({ error: `this run was not started: ${problem}`, status: 'error' });
    return;
  }
  applyLessonPace(config);
  sendChain = dataFor(config).then(async (data) => {
    post({ type: 'init', config, data });
    for (const m of await lessonStart(config, data)) post(m);
    post({ type: 'play' });
  });
}

export function setConfig(patch: Partial<Config>): void {
  const config = { ...useStore.getState().config, ...patch };
  const problem = budgetProblem(config);
  if (problem) {
    // refused before anything is allocated; the controls snap back to the Config in the store
    useStore.setState({ message: `not applied: ${problem}` });
    return;
  }
  useStore.setState({ config, message: null });
  writeUrl(config);
  sendConfig(config);
}

/** Opens a lesson: its Config (the page's classroom keys kept), from step 0, playing. */
export function openLesson(id: string): void {
  const lesson = lessonById(id);
  if (!lesson) return;
  const config = lessonConfig(lesson, useStore.getState().config);
  useStore.setState({ config, message: null, verdict: null });
  applyLessonPace(config);
  writeUrl(config);
  sendConfig(config, [{ type: 'reset' }]);
  sendChain = sendChain.then(async () => {
    for (const m of await lessonStart(config, currentTaskData(config))) post(m);
    post({ type: 'play' });
  });
}

/** A lesson that opens from a shipped checkpoint (the char-RNN lesson): the messages that load it after its Config. */
function lessonStart(config: Config, data: TaskData): Promise<ToWorker[]> {
  return lessonCheckpointMessages(config, data, (message) => useStore.setState({ message }));
}

/** Commands queue behind any pending configure, so they apply to the settings the user just chose. */
function command(message: ToWorker): void {
  sendChain = sendChain.then(() => post(message));
}
export const play = () => command({ type: 'play' });
export const pause = () => command({ type: 'pause' });
export const stepOnce = () => command({ type: 'step', count: 1 });
export const rewind = () => command({ type: 'rewind' });
export const reset = () => command({ type: 'reset' });
/** A lesson meant to be watched step by step sets the page's pace (Lesson.stepsPerSecond). */
function applyLessonPace(config: Config): void {
  const pace = lessonById(config.preset)?.stepsPerSecond;
  if (pace !== undefined) setSpeed(pace);
}

export function setSpeed(stepsPerSecond: number | null): void {
  useStore.setState({ speed: stepsPerSecond });
  command({ type: 'speed', stepsPerSecond });
}
export const dismissNotices = () => useStore.setState({ notices: [] });
export const dismissMessage = () => useStore.setState({ message: null });
export const toggleLogLoss = () => useStore.setState((s) => ({ logLoss: !s.logLoss }));
export const togglePresenter = () => useStore.setState((s) => ({ presenter: !s.presenter }));

const forwardRequests = new Map<number, { resolve: (o: Float32Array) => void; reject: (e: Error) => void }>();
let nextForwardId = 1;

/** The current model on one sequence x (T, 1, X) → head outputs (T, 1, Y), computed in the worker. */
export function forwardOne(x: Float32Array, T: number): Promise<Float32Array> {
  const id = nextForwardId++;
  return new Promise((resolve, reject) => {
    forwardRequests.set(id, { resolve, reject });
    post({ type: 'forward', id, x, T });
  });
}

// ---- hardening: memory budget, hidden tab, crashed worker ----------------------------------------

/** The adapter's buffer limits, read once on the main thread (no device is created); null without WebGPU. */
let gpuLimits: BufferLimits | null = null;

async function readGpuLimits(): Promise<void> {
  try {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
    if (adapter) gpuLimits = { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize };
  } catch {
    gpuLimits = null; // the worker will say why WebGPU is not used
  }
}

/** Why a Config's sizes (H, layers, T, B) cannot be run here, naming the limit; null when they fit. */
export function budgetProblem(config: Config): string | null {
  let task;
  try {
    task = createTask(config, currentTaskData(config));
  } catch {
    return null; // the task cannot be built yet (e.g. a CSV task before its file): the worker says why
  }
  const check = checkMemoryBudget(specFromConfig(config, task), config.T, config.B, { engine: config.engine, gpuLimits });
  return check.ok ? null : check.problems.join('; ');
}

/** Set while training is paused because the tab is hidden; training resumes when it is visible again. */
let pausedByHiding = false;

function onVisibilityChange(): void {
  const { status } = useStore.getState();
  if (document.visibilityState === 'hidden' && status === 'running') {
    pausedByHiding = true;
    pause();
  } else if (document.visibilityState === 'visible' && pausedByHiding) {
    pausedByHiding = false;
    play();
  }
}

/** A checkpoint of the run is asked of the worker this often while it trains, for a restart after a crash. */
const RECOVERY_CHECKPOINT_MS = 10_000;
/** Larger checkpoints are not copied to the page every few seconds (a crash then restarts the run from step 0). */
const MAX_RECOVERY_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** Bytes of a checkpoint of the Config's network: parameters and two optimiser slots, float32. */
function checkpointBytes(config: Config): number {
  try {
    return 3 * 4 * paramLayout(specFromConfig(config, createTask(config, currentTaskData(config)))).size;
  } catch {
    return 0;
  }
}

/** After this many crashes within a minute the page stops restarting the worker and shows the error. */
const MAX_RESTARTS_PER_MINUTE = 3;

interface ChartsAt {
  step: number;
  series: Series;
  clipSteps: number[];
  heatColumns: Float64Array[];
  heatSteps: number[];
}

const recovery = {
  requestId: 0, // negative ids: the page's panels count theirs up from 1
  checkpoint: null as { step: number; config: Config; checkpoint: SavedCheckpoint } | null,
  timer: 0,
  crashes: [] as number[], // times of recent crashes
  history: null as ChartsAt | null, // the charts to put back once the restarted worker has the weights
};

function startWorker(): void {
  const started = new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: 'rnnlab-trainer' });
  worker = started;
  // a new worker counts its weights versions from 0 again
  useStore.setState({ weightsVersion: -1 });
  // a message of a replaced worker (already queued when it was terminated) is not of the run shown
  started.onmessage = (e: MessageEvent<FromWorker>) => {
    if (worker === started) onMessage(e.data);
  };
  started.onerror = (e) => {
    e.preventDefault();
    if (worker === started) restartWorker(e.message || 'unknown error');
  };
  started.onmessageerror = () => {
    if (worker === started) restartWorker('a message could not be read');
  };
  window.clearInterval(recovery.timer);
  recovery.timer = window.setInterval(() => {
    const { status, config } = useStore.getState();
    if (status !== 'running' || checkpointBytes(config) > MAX_RECOVERY_CHECKPOINT_BYTES) return;
    recovery.requestId = recovery.requestId - 1;
    post({ type: 'checkpoint', id: recovery.requestId });
  }, RECOVERY_CHECKPOINT_MS);
}

/** The charts cut back to `step`, kept aside while the worker restarts. */
function chartsAt(step: number): ChartsAt {
  for (const s of series.all()) s.truncateAfter(step);
  const state = useStore.getState();
  const keep = state.heatSteps.map((s) => s <= step);
  return {
    step,
    series,
    clipSteps: state.clipSteps.filter((s) => s <= step),
    heatColumns: state.heatColumns.filter((_, i) => keep[i]),
    heatSteps: state.heatSteps.filter((_, i) => keep[i]),
  };
}

function restoreCharts(charts: ChartsAt): void {
  series = charts.series;
  useStore.setState({
    step: charts.step,
    loss: series.loss.snapshot(),
    valLoss: series.valLoss.snapshot(),
    metric: series.metric.snapshot(),
    gradNorm: series.gradNorm.snapshot(),
    sigmaMax: series.sigmaMax.snapshot(),
    spectralRadius: series.spectralRadius.snapshot(),
    clipSteps: charts.clipSteps,
    heatColumns: charts.heatColumns,
    heatSteps: charts.heatSteps,
  });
}

/**
 * The worker failed with an uncaught error: it is replaced by a fresh one, which resumes from the last
 * checkpoint the page holds (when it is of the same network) or starts the run again, and the page says which.
 */
function restartWorker(reason: string): void {
  const now = Date.now();
  recovery.crashes = [...recovery.crashes.filter((t) => t > now - 60_000), now];
  const state = useStore.getState();
  worker?.terminate();
  worker = null;
  for (const [id, waiting] of forwardRequests) {
    forwardRequests.delete(id);
    waiting.reject(new Error('the training worker restarted'));
  }
  if (recovery.crashes.length > MAX_RESTARTS_PER_MINUTE) {
    window.clearInterval(recovery.timer);
    useStore.setState({ error: `the training worker failed ${recovery.crashes.length} times within a minute (last: ${reason}); reload the page`, status: 'error' });
    return;
  }
  const config = state.config;
  const saved = recovery.checkpoint && sameNetwork(recovery.checkpoint.config, config) ? recovery.checkpoint : null;
  const wasRunning = state.status === 'running' || pausedByHiding;
  recovery.history = saved ? chartsAt(saved.step) : null;
  startWorker();
  sendChain = sendChain
    .catch(() => undefined)
    .then(async () => {
      post({ type: 'init', config, data: await dataFor(config) });
      if (saved) post({ type: 'loadCheckpoint', checkpoint: saved.checkpoint, step: saved.step });
      if (wasRunning && !pausedByHiding) post({ type: 'play' });
    });
  useStore.setState({
    error: null,
    message: saved
      ? `the training worker crashed (${reason}) and was restarted from its checkpoint at step ${saved.step}`
      : `the training worker crashed (${reason}) and was restarted from step 0 (no checkpoint of this network yet)`,
  });
}

/** The keys that change the network's shape (a checkpoint of one cannot load into another). */
function sameNetwork(a: Config, b: Config): boolean {
  const keys: (keyof Config)[] = ['task', 'cell', 'variant', 'H', 'layers', 'corpus', 'seed'];
  return keys.every((k) => a[k] === b[k]);
}

/** The link to this exact run (for the share button). */
export function shareUrl(): string {
  return urlWithConfig(window.location.href, useStore.getState().config);
}
