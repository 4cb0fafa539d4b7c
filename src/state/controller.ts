// The bridge between the page and the training worker. It lives outside React: it sends commands, turns the
// worker's messages into store state (useStore.setState; the chart series in charts.ts), and keeps the URL in
// step with the Config (history.replaceState). Each job is a class of its own: the worker and its requests
// (workerClient.ts), the task data (taskData.ts), the chart history (charts.ts), the memory budget
// (budget.ts), crash recovery (recovery.ts) and the hidden-tab pause (visibility.ts).
import { defaultConfig, type Config } from '../core/config';
import type { MetricRecord } from '../core/export/metrics';
import { lessonById, lessonConfig } from '../core/lessons';
import { specFromConfig } from '../core/modelConfig';
import { paramLayout } from '../core/spec';
import { createTask } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import type { FromWorker, SavedCheckpoint, ToWorker } from '../train/protocol';
import { MemoryBudget } from './budget';
import { ChartHistory } from './charts';
import { lessonCheckpointMessages } from './lessonCheckpoint';
import { takeNewerProfiles } from './profiles';
import { CrashRecovery, MAX_RESTARTS_PER_MINUTE } from './recovery';
import type { ReplyOf, WorkerReply } from './requests';
import { useStore } from './store';
import { TaskDataSource } from './taskData';
import { configFromUrl, urlWithConfig } from './url';
import { HiddenTabPause } from './visibility';
import { WorkerClient } from './workerClient';

const taskData = new TaskDataSource();
const charts = new ChartHistory();
const client = new WorkerClient();
const budget = new MemoryBudget();
const recovery = new CrashRecovery(charts);
const hiddenTab = new HiddenTabPause();

export function corpusText(name: string): string | null {
  return taskData.corpusText(name);
}

/** The user's own data (a CSV column or a text), given through the task view's data input. */
export function setUserData(data: TaskData): void {
  taskData.setUserData(data);
  sendConfig(useStore.getState().config);
}

/** The data the page's own copy of the task is built from (the same the worker gets, once loaded). */
export function currentTaskData(config: Config): TaskData {
  return taskData.current(config);
}

/** Sends the Config, after fetching the corpus it needs (messages stay in order: one chain). */
function sendConfig(config: Config, then: ToWorker[] = []): void {
  client.queue(async () => {
    client.post({ type: 'configure', config, data: await taskData.load(config) });
    for (const m of then) client.post(m);
  });
}

/** Calls `listener` with every message from the training worker; returns the unsubscribe. */
export function onWorkerMessage(listener: (msg: FromWorker) => void): () => void {
  return client.listen(listener);
}

/** Sends a command after any pending configure (so it applies to the settings the user just chose). */
export function postToWorker(message: ToWorker): void {
  client.command(message);
}

/**
 * Sends a request after any pending configure; resolves with the worker's reply to it (matched by id).
 * `replacesOlder`: a newer request of the type supersedes the older ones (only the newest is answered).
 */
export function requestFromWorker<T extends WorkerReply['type']>(type: T, build: (id: number) => ToWorker, replacesOlder = false): Promise<ReplyOf<T>> {
  return client.request(type, build, replacesOlder);
}

/**
 * "Compute the cliff" (core/figures/cliff.ts) on the worker's engine, with progress; `cancel` stops it between
 * evaluations (the reply then says 'cancelled'). The worker writes the live weights back either way.
 */
export function computeCliff(onProgress: (done: number, total: number) => void): { reply: Promise<ReplyOf<'cliff'>>; cancel: () => void } {
  const { reply, id } = requestWithProgress('cliff', 'cliffProgress', onProgress);
  // at once once the request is sent (the worker cancels it whether queued there or running); before that, right after it
  const cancel = () => (id() > 0 ? client.post({ type: 'cancelCliff', id: id() }) : client.queue(() => client.post({ type: 'cancelCliff', id: id() })));
  return { reply, cancel };
}

/**
 * "Compute" of the gate saturation figure (core/figures/saturation.ts) in the worker: the live network and a fresh
 * copy of it over the validation text, with progress (forward passes done of both).
 */
export function computeSaturation(onProgress: (done: number, total: number) => void): Promise<ReplyOf<'saturation'>> {
  return requestWithProgress('saturation', 'saturationProgress', onProgress).reply;
}

/**
 * A figure's request ({ type, id }) whose worker posts progress messages of `progressType` with the same id before
 * the reply; `id()` is the id once the request has been sent (−1 before).
 */
function requestWithProgress<T extends 'cliff' | 'saturation'>(
  type: T,
  progressType: 'cliffProgress' | 'saturationProgress',
  onProgress: (done: number, total: number) => void,
): { reply: Promise<ReplyOf<T>>; id: () => number } {
  let askedId = -1;
  const unsubscribe = client.listen((msg) => {
    if (msg.type === progressType && msg.id === askedId) onProgress(msg.done, msg.total);
  });
  const reply = client.request(type, (id) => {
    askedId = id;
    return { type, id } as ToWorker;
  });
  reply.then(unsubscribe, unsubscribe);
  return { reply, id: () => askedId };
}

/** Resumes a saved run (its Config was set first): the weights into the worker, then its history into the charts. */
export function resumeRun(run: { checkpoint: SavedCheckpoint; step: number; metrics: readonly MetricRecord[]; name: string }): void {
  charts.expectResume(run.step, run.metrics, run.name);
  client.command({ type: 'loadCheckpoint', checkpoint: run.checkpoint, step: run.step });
}

/** Loads imported weights (their Config was set first); the charts start again at their step. */
export function loadModel(params: Float32Array, step: number): void {
  charts.expectModel();
  client.command({ type: 'loadModel', params, step });
}

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'ready':
      if (msg.rebuilt) {
        charts.clear();
        recovery.runReplaced();
      }
      useStore.setState({ engine: msg.engine, step: msg.step, error: null });
      return;
    case 'status':
      useStore.setState({ status: msg.status, step: msg.step });
      return;
    case 'frames':
      charts.addFrames(msg);
      return;
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
    case 'rewound':
      charts.rewoundTo(msg.step);
      return;
    case 'notice':
      useStore.setState({ message: msg.message });
      return;
    case 'error':
      useStore.setState({ error: msg.message, status: 'error' });
      return;
    case 'checkpoint':
      // ours or the autosave's: either is the current run's newest state
      if (msg.checkpoint) recovery.keep({ step: msg.step, config: useStore.getState().config, checkpoint: msg.checkpoint });
      return;
    case 'restored':
      charts.restored(msg.step); // a resumed run's history, or none
      recovery.restored(msg.step); // after a crash: the charts set aside
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
  void budget.readGpuLimits();
  const problem = budgetProblem(config);
  if (problem) {
    // nothing is built: a smaller setting (setConfig) builds the run
    useStore.setState({ error: `this run was not started: ${problem}`, status: 'error' });
    return;
  }
  applyLessonPace(config);
  client.queue(async () => {
    const data = await taskData.load(config);
    client.post({ type: 'init', config, data });
    for (const m of await lessonStart(config, data)) client.post(m);
    client.post({ type: 'play' });
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
  client.queue(async () => {
    for (const m of await lessonStart(config, currentTaskData(config))) client.post(m);
    client.post({ type: 'play' });
  });
}

/** A lesson that opens from a shipped checkpoint (the char-RNN lesson): the messages that load it after its Config. */
function lessonStart(config: Config, data: TaskData): Promise<ToWorker[]> {
  return lessonCheckpointMessages(config, data, (message) => useStore.setState({ message }));
}

export const play = () => client.command({ type: 'play' });
export const pause = () => client.command({ type: 'pause' });
export const stepOnce = () => client.command({ type: 'step', count: 1 });
export const rewind = () => client.command({ type: 'rewind' });
export const reset = () => client.command({ type: 'reset' });

/** A lesson meant to be watched step by step sets the page's pace (Lesson.stepsPerSecond). */
function applyLessonPace(config: Config): void {
  const pace = lessonById(config.preset)?.stepsPerSecond;
  if (pace !== undefined) setSpeed(pace);
}

export function setSpeed(stepsPerSecond: number | null): void {
  useStore.setState({ speed: stepsPerSecond });
  client.command({ type: 'speed', stepsPerSecond });
}
export const dismissNotices = () => useStore.setState({ notices: [] });
export const dismissMessage = () => useStore.setState({ message: null });
export const toggleLogLoss = () => useStore.setState((s) => ({ logLoss: !s.logLoss }));

/** The current model on one sequence x (T, 1, X) → head outputs (T, 1, Y), computed in the worker. */
export async function forwardOne(x: Float32Array, T: number): Promise<Float32Array> {
  const reply = await client.requestNow('forwardResult', (id) => ({ type: 'forward', id, x, T }));
  if (!reply.outputs) throw new Error(reply.error ?? 'forward pass failed');
  return reply.outputs;
}

// ---- hardening: memory budget, hidden tab, crashed worker ----------------------------------------

/** Why a Config's sizes (H, layers, T, B) cannot be run here, naming the limit; null when they fit. */
export function budgetProblem(config: Config): string | null {
  return budget.problem(config, currentTaskData(config));
}

function onVisibilityChange(): void {
  hiddenTab.changed(document.visibilityState === 'hidden', useStore.getState().status === 'running', pause, play);
}

/** Bytes of a checkpoint of the Config's network: parameters and two optimiser slots, float32. */
function checkpointBytes(config: Config): number {
  try {
    return 3 * 4 * paramLayout(specFromConfig(config, createTask(config, currentTaskData(config)))).size;
  } catch {
    return 0;
  }
}

function startWorker(): void {
  client.start({ message: onMessage, crash: restartWorker });
  // a new worker counts its weights versions from 0 again
  useStore.setState({ weightsVersion: -1 });
  recovery.askPeriodically(
    () => void client.requestNow('checkpoint', (id) => ({ type: 'checkpoint', id })).catch(() => undefined),
    () => useStore.getState().status === 'running',
    () => checkpointBytes(useStore.getState().config),
  );
}

/**
 * The worker failed with an uncaught error: it is replaced by a fresh one, which resumes from the last
 * checkpoint the page holds (when it is of the same run) or starts the run again, and the page says which.
 */
function restartWorker(reason: string): void {
  const crashes = recovery.crashed(Date.now());
  const state = useStore.getState();
  client.stop('the training worker restarted');
  if (crashes > MAX_RESTARTS_PER_MINUTE) {
    recovery.stopAsking();
    useStore.setState({ error: `the training worker failed ${crashes} times within a minute (last: ${reason}); reload the page`, status: 'error' });
    return;
  }
  const config = state.config;
  const saved = recovery.resumePoint(config);
  const wasRunning = state.status === 'running' || hiddenTab.active;
  startWorker();
  client.queue(async () => {
    client.post({ type: 'init', config, data: await taskData.load(config) });
    if (saved) client.post({ type: 'loadCheckpoint', checkpoint: saved.checkpoint, step: saved.step });
    if (wasRunning && !hiddenTab.active) client.post({ type: 'play' });
  });
  useStore.setState({
    error: null,
    message: saved
      ? `the training worker crashed (${reason}) and was restarted from its checkpoint at step ${saved.step}`
      : `the training worker crashed (${reason}) and was restarted from step 0 (no checkpoint of this network yet)`,
  });
}
