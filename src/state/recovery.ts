// Recovery from a crashed training worker: while the run trains the page keeps its newest checkpoint (asked
// for every few seconds, or the autosave's), and a restarted worker resumes from it when it is of the same run,
// with the charts cut back to its step; after too many crashes within a minute the page stops restarting.
import type { Config } from '../core/config';
import { sameRun } from '../core/configChange';
import type { SavedCheckpoint } from '../train/protocol';
import type { ChartHistory, ChartsAt } from './charts';

/** A checkpoint of the run is asked of the worker this often while it trains, for a restart after a crash. */
const RECOVERY_CHECKPOINT_MS = 10_000;
/** Larger checkpoints are not copied to the page every few seconds (a crash then restarts the run from step 0). */
const MAX_RECOVERY_CHECKPOINT_BYTES = 64 * 1024 * 1024;
/** After this many crashes within a minute the page stops restarting the worker and shows the error. */
export const MAX_RESTARTS_PER_MINUTE = 3;

export interface RecoveryCheckpoint {
  step: number;
  config: Config;
  checkpoint: SavedCheckpoint;
}

export class CrashRecovery {
  private checkpoint: RecoveryCheckpoint | null = null;
  private timer = 0;
  private crashes: number[] = []; // times of recent crashes
  private history: ChartsAt | null = null; // the charts to put back once the restarted worker has the weights

  constructor(private readonly charts: ChartHistory) {}

  /**
   * Every RECOVERY_CHECKPOINT_MS, calls `ask` while `training()` says the run trains and `bytes()` (of its
   * checkpoint) is small enough to copy.
   */
  askPeriodically(ask: () => void, training: () => boolean, bytes: () => number): void {
    this.stopAsking();
    this.timer = window.setInterval(() => {
      if (training() && bytes() <= MAX_RECOVERY_CHECKPOINT_BYTES) ask();
    }, RECOVERY_CHECKPOINT_MS);
  }

  stopAsking(): void {
    window.clearInterval(this.timer);
  }

  /** A checkpoint the worker sent (ours or the autosave's): either is the current run's newest state. */
  keep(checkpoint: RecoveryCheckpoint): void {
    this.checkpoint = checkpoint;
  }

  /** A new or reset run: the old checkpoint is not of it (unless it is the one a restart resumes from). */
  runReplaced(): void {
    if (!this.history) this.checkpoint = null;
  }

  /** The restarted worker has the checkpoint's weights: the charts set aside go back. */
  restored(step: number): void {
    if (this.history && this.history.step === step) this.charts.put(this.history);
    this.history = null;
  }

  /** Counts a crash at `now`; returns the crashes within the last minute. */
  crashed(now: number): number {
    this.crashes = [...this.crashes.filter((t) => t > now - 60_000), now];
    return this.crashes.length;
  }

  /** The checkpoint a restart of `config`'s run resumes from (its charts set aside), or null to start from 0. */
  resumePoint(config: Config): RecoveryCheckpoint | null {
    const saved = this.checkpoint && sameRun(this.checkpoint.config, config) ? this.checkpoint : null;
    this.history = saved ? this.charts.cutAt(saved.step) : null;
    return saved;
  }
}
