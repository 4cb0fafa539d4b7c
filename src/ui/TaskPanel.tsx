// The task's own view (src/ui/tasks/TaskView.tsx, written with the tasks) fed with the newest
// forward-pass snapshot from the worker, and the data input for tasks that need the user's data.
import { Component, useState, type ReactNode } from 'react';
import { createTask, type Task } from '../core/tasks';
import { currentTaskData, forwardOne, setUserData } from '../state/controller';
import { useStore } from '../state/store';
import type { Config } from '../core/config';
import { DataInput, TaskView } from './tasks/TaskView';
import { useThrottledStore } from './useThrottled';

class ViewBoundary extends Component<{ children: ReactNode }, { failed: string | null }> {
  override state = { failed: null as string | null };
  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
  override render() {
    return this.state.failed ? <p className="muted">The task view could not be drawn: {this.state.failed}</p> : this.props.children;
  }
}

/** The task for this Config, or null (e.g. a CSV task before its file: the data input says what is missing). */
function buildTask(config: Config): Task | null {
  try {
    return createTask(config, currentTaskData(config));
  } catch {
    return null;
  }
}

export function TaskPanel() {
  const config = useStore((s) => s.config);
  const corpusLoaded = useStore((s) => s.corpusLoaded);
  const userDataVersion = useStore((s) => s.userDataVersion);
  const snapshot = useThrottledStore((s) => s.snapshot, 500);
  // the page's own copy of the task (pure and seeded): the view reads its shapes and metric from it. It is
  // rebuilt only when what defines the data changes (not on a W_rec drag): kept in state with the key it was
  // built for, and rebuilt during render when the key moves on.
  const dataKey = [config.task, config.T, config.corpus, config.seed, corpusLoaded, userDataVersion].join('|');
  const [built, setBuilt] = useState(() => ({ key: dataKey, task: buildTask(config) }));
  let task = built.task;
  if (built.key !== dataKey) {
    task = buildTask(config);
    setBuilt({ key: dataKey, task });
  }
  return (
    <section className="panel task-panel" aria-labelledby="task-title">
      <h2 id="task-title">The task</h2>
      <DataInput config={config} onData={setUserData} />
      {task && (
        <ViewBoundary>
          <TaskView task={task} config={config} latest={snapshot ? { outputs: snapshot.outputs, batch: snapshot.batch } : null} forward={forwardOne} />
        </ViewBoundary>
      )}
    </section>
  );
}
