// The task's own view, one component per family (series, memory, char). The page shell renders
// <TaskView> with the newest forward-pass snapshot; the view keeps a short metric history of its own.
// `forward` (the current model on one sequence) enables the free-running forecast and streamed sampling;
// `sample` is the alternative for sampling when the shell provides it instead.
import { useMemo, useState } from 'react';
import type { Batch } from '../../core/batch';
import type { Config } from '../../core/config';
import { SeriesTask } from '../../core/tasks/series';
import type { ForwardOne, Task, TaskMetric } from '../../core/tasks/task';
import { CharTask } from '../../core/tasks/text';
import { CharView } from './CharView';
import { MemoryView } from './MemoryView';
import { SeriesView } from './SeriesView';
import { appendHistory, familyOf, snapshotFits } from './viewLogic';
import './tasks.css';

export { DataInput } from './DataInput';

export interface TaskViewProps {
  task: Task;
  config: Config;
  latest: { outputs: Float32Array; batch: Batch } | null;
  /** Text sampled from the model after `prime` (used when `forward` is not given). */
  sample?: (prime: string, length: number, temperature: number) => Promise<string>;
  /** The current model on one sequence: x (T, 1, X) → head outputs (T, 1, Y). */
  forward?: ForwardOne;
}

type History = { n: number; value: number }[];

/** The history with a measured metric appended (an unmeasured one, NaN or none, leaves it as it is). */
function withMetric(history: History, metric: TaskMetric | null): History {
  return metric && Number.isFinite(metric.value) ? appendHistory(history, metric.value) : history;
}

export function TaskView({ task, config, latest, sample, forward }: TaskViewProps) {
  const snapshot = snapshotFits(task, latest) ? latest : null;
  const metric: TaskMetric | null = useMemo(() => {
    if (!snapshot) return null;
    try {
      return task.metric(snapshot.outputs, snapshot.batch);
    } catch {
      return null; // a snapshot from before a task change
    }
  }, [task, snapshot]);
  // The history grows by each new metric and starts again with a new task: kept with the task and metric it
  // has seen, and brought up to date during render when either moves on.
  const [tracked, setTracked] = useState(() => ({ task, metric, history: withMetric([], metric) }));
  let history = tracked.history;
  if (tracked.task !== task || tracked.metric !== metric) {
    history = withMetric(tracked.task === task ? tracked.history : [], metric);
    setTracked({ task, metric, history });
  }

  const common = { config, snapshot, metric, history };
  switch (familyOf(task.name)) {
    case 'series':
      return task instanceof SeriesTask ? <SeriesView task={task} forward={forward} {...common} /> : null;
    case 'char':
      return task instanceof CharTask ? <CharView task={task} forward={forward} sample={sample} {...common} /> : null;
    default:
      return <MemoryView task={task} {...common} />;
  }
}

export default TaskView;
