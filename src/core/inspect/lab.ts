// The message side of races and sweeps, for a worker of their own (they train several models, so they
// should not share the main training worker's loop). Pure: the worker entry only wires `post` to
// postMessage and `makeTrainer` to its engine choice, then forwards every message to `handle`.
// One job at a time: a new job cancels the running one. Updates are posted at a bounded rate; the
// final message of a job (done: true) is always posted.
import type { Config } from '../config';
import { createTask } from '../tasks';
import type { TaskData } from '../tasks/task';
import { runRace, type Contestant, type MakeTrainer, type RaceResult } from './race';
import { runSweep, sweepRuns, type SweepPlan, type SweepProgress, type SweepResult } from './sweep';
import { clock } from './timing';

export type ToLab =
  | { type: 'race'; id: number; base: Config; contestants: Contestant[]; steps: number; target?: number | null; data?: TaskData } // steps: the budget
  | { type: 'sweep'; id: number; plan: SweepPlan; data?: TaskData }
  | { type: 'cancel'; id: number };

export type FromLab =
  | { type: 'race'; id: number; result: RaceResult; done: boolean }
  | { type: 'sweep'; id: number; result: SweepResult; progress: SweepProgress; done: boolean }
  | { type: 'error'; id: number; message: string };

export interface LabOptions {
  /** At most one update per this many ms while a job runs (default 100). */
  postEveryMs?: number;
}

export class LabSession {
  private job: { id: number; controller: AbortController; finished: Promise<void> } | null = null;
  private readonly postEveryMs: number;

  constructor(
    private readonly post: (message: FromLab) => void,
    private readonly makeTrainer: MakeTrainer,
    options: LabOptions = {},
  ) {
    this.postEveryMs = options.postEveryMs ?? 100;
  }

  /** Handles one message; resolves when a started job has finished (or at once for cancel). */
  async handle(message: ToLab): Promise<void> {
    if (message.type === 'cancel') {
      if (this.job?.id === message.id) this.job.controller.abort();
      return;
    }
    if (this.job) {
      this.job.controller.abort();
      await this.job.finished;
    }
    const controller = new AbortController();
    const finished = this.run(message, controller.signal);
    this.job = { id: message.id, controller, finished };
    await finished;
    if (this.job?.id === message.id) this.job = null;
  }

  private async run(message: Exclude<ToLab, { type: 'cancel' }>, signal: AbortSignal): Promise<void> {
    const id = message.id;
    let lastPost = -Infinity;
    const due = () => {
      const now = clock();
      if (now - lastPost < this.postEveryMs) return false;
      lastPost = now;
      return true;
    };
    try {
      if (message.type === 'race') {
        const task = createTask(message.base, message.data ?? {});
        const result = await runRace(message.base, message.contestants, task, message.steps, this.makeTrainer, {
          target: message.target ?? null,
          signal,
          onStep: (r) => {
            if (due()) this.post({ type: 'race', id, result: r, done: false });
          },
        });
        this.post({ type: 'race', id, result, done: true });
      } else {
        const data = message.data ?? {};
        let progress: SweepProgress = { runsDone: 0, runsTotal: sweepRuns(message.plan).length, fraction: 0, current: null };
        const result = await runSweep(message.plan, (config) => createTask(config, data), this.makeTrainer, {
          signal,
          onProgress: (p, partial) => {
            progress = p;
            if (due()) this.post({ type: 'sweep', id, result: partial, progress: p, done: false });
          },
        });
        this.post({ type: 'sweep', id, result, progress, done: true });
      }
    } catch (e) {
      this.post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
    }
  }
}
