// The task's own view (src/ui/tasks/TaskView.tsx, written with the tasks), fed with the newest
// forward-pass snapshot from the worker. The view is looked up at build time, so the page builds
// and runs while it is still missing.
import { Component, Suspense, lazy, useMemo, type ComponentType, type ReactNode } from 'react';
import type { Batch } from '../core/batch';
import type { Config } from '../core/config';
import { createTask, type Task } from '../core/tasks';
import { corpusText } from '../state/controller';
import { useStore } from '../state/store';
import { useThrottledStore } from './useThrottled';

interface TaskViewProps {
  task: Task;
  config: Config;
  latest: { outputs: Float32Array; batch: Batch } | null;
}

const viewModules = import.meta.glob<{ TaskView?: ComponentType<TaskViewProps>; default?: ComponentType<TaskViewProps> }>('./tasks/TaskView.tsx');

const loadView = viewModules['./tasks/TaskView.tsx'];
const LazyTaskView = loadView
  ? lazy(async () => {
      const m = await loadView();
      const view = m.TaskView ?? m.default;
      if (!view) throw new Error('src/ui/tasks/TaskView.tsx exports no TaskView');
      return { default: view };
    })
  : null;

class ViewBoundary extends Component<{ children: ReactNode }, { failed: string | null }> {
  override state = { failed: null as string | null };
  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
  override render() {
    return this.state.failed ? <p className="muted">The task view could not be drawn: {this.state.failed}</p> : this.props.children;
  }
}

export function TaskPanel() {
  const config = useStore((s) => s.config);
  const corpusLoaded = useStore((s) => s.corpusLoaded);
  const snapshot = useThrottledStore((s) => s.snapshot, 300);
  const metric = useStore((s) => (s.metric.length ? s.metric[s.metric.length - 1].value : NaN));
  const metricName = useStore((s) => s.metricName);
  const task = useMemo(() => {
    try {
      const text = corpusText(config.corpus);
      return createTask(config, text === null ? {} : { text });
    } catch {
      return null;
    }
    // the task depends only on what defines its data
  }, [config.task, config.T, config.corpus, config.seed, corpusLoaded]);
  return (
    <section className="panel task-panel" aria-labelledby="task-title">
      <div className="panel-head">
        <h2 id="task-title">The task</h2>
        {metricName && (
          <span className="readout" data-testid="task-metric">
            {metricName} {Number.isFinite(metric) ? metric.toPrecision(3) : '—'}
          </span>
        )}
      </div>
      {LazyTaskView && task ? (
        <ViewBoundary>
          <Suspense fallback={<p className="muted">loading the task view…</p>}>
            <LazyTaskView task={task} config={config} latest={snapshot ? { outputs: snapshot.outputs, batch: snapshot.batch } : null} />
          </Suspense>
        </ViewBoundary>
      ) : (
        <p className="muted">The task view appears here once its component is available.</p>
      )}
    </section>
  );
}
