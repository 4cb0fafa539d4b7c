// A lesson run as the page runs it: the lesson's Config (with a seed), trained by the Trainer for the lesson's
// step budget, judged on every step. Shared by `rnnlab lessons` (the measurement printed in the README) and the
// claim tests (tests/unit/lessons.test.ts).
import { lessonConfig, type Lesson, type Verdict } from '../core/lessons';
import type { Config } from '../core/config';
import { createTask } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import type { Engine } from '../engine/engine';
import { Trainer, type MetricFrame } from './trainer';

export interface LessonRunResult {
  lesson: string;
  seed: number;
  steps: number; // steps trained (fewer than the budget when the run diverged)
  verdict: Verdict; // at the end
  firstHeld: number | null; // the first step whose verdict held
  ms: number;
}

export interface LessonRunOptions {
  seed?: number;
  /** Settings over the lesson's (e.g. the "try this" counterpart: bptt=full). */
  overrides?: Partial<Config>;
  steps?: number; // default: the lesson's budget
  data?: TaskData; // a shipped corpus for char lessons
  /** Called after every step (e.g. to move W_rec mid-run); returning 'stop' ends the run there. */
  onFrame?: (frame: MetricFrame, trainer: Trainer) => Promise<void | 'stop'> | void | 'stop';
  /** Stop as soon as the verdict holds. */
  stopWhenHeld?: boolean;
}

export async function runLesson(lesson: Lesson, engine: Engine, options: LessonRunOptions = {}): Promise<LessonRunResult> {
  const config: Config = { ...lessonConfig(lesson), seed: options.seed ?? 1, ...options.overrides, preset: lesson.id };
  const task = createTask(config, options.data ?? {});
  const trainer = await Trainer.create(engine, config, task);
  const started = Date.now();
  const budget = options.steps ?? lesson.budget;
  let verdict: Verdict = { status: 'pending', text: 'not run' };
  let firstHeld: number | null = null;
  try {
    while (trainer.step < budget) {
      const frame = await trainer.stepOnce();
      verdict = frame.verdict!;
      if (verdict.status === 'holds' && firstHeld === null) firstHeld = frame.step;
      const wanted = await options.onFrame?.(frame, trainer);
      if (wanted === 'stop' || frame.diverged || (options.stopWhenHeld && firstHeld !== null)) break;
    }
    return { lesson: lesson.id, seed: config.seed, steps: trainer.step, verdict, firstHeld, ms: Date.now() - started };
  } finally {
    trainer.dispose();
  }
}
