// Python ports of the playground's random stream (src/core/rng.ts) and task generators (src/core/tasks),
// emitted into the exported PyTorch script. They consume the random stream in exactly the order the
// TypeScript does, so the same seed gives the same batches (tests/unit/export-python.test.ts checks it).
// Batches are plain nested lists in the legend's order: x[t][b][k] (T, B, X).
// Each piece is a fixed .py file under python/; what varies between runs (T, SEED, TASK, USER_TEXT, …) is a
// constant of the script's settings block, which pytorch.ts writes.
import type { Config } from '../config';
import RNG from './python/rng.py?raw';
import ADDING from './python/tasks/adding.py?raw';
import CHAR from './python/tasks/char.py?raw';
import CONTINUAL_REBER from './python/tasks/continual_reber.py?raw';
import COPY from './python/tasks/copy.py?raw';
import CSV from './python/tasks/csv.py?raw';
import GENERATED_SERIES from './python/tasks/generated_series.py?raw';
import MACKEY_GLASS from './python/tasks/mackey_glass.py?raw';
import RANDOM_WALK from './python/tasks/random_walk.py?raw';
import REBER from './python/tasks/reber.py?raw';
import REBER_GRAMMAR from './python/tasks/reber_grammar.py?raw';
import SERIES from './python/tasks/series.py?raw';
import SINE from './python/tasks/sine.py?raw';
import SINES from './python/tasks/sines.py?raw';
import TEMPORAL_ORDER from './python/tasks/temporal_order.py?raw';

/** sfc32 seeded through splitmix32, bit for bit as src/core/rng.ts; and the helpers every task uses. */
export const PY_RNG = RNG;

/**
 * Per task, the pieces that define its class and `make_task(args)`, in order. A generated series is the
 * shared SeriesTask, the task's own `make_series` and the `make_task` that draws it from the seed.
 */
const TASK_PIECES: Record<Config['task'], readonly string[]> = {
  adding: [ADDING],
  copy: [COPY],
  temporal_order: [TEMPORAL_ORDER],
  reber: [REBER_GRAMMAR, REBER],
  continual_reber: [REBER_GRAMMAR, CONTINUAL_REBER],
  sine: [SERIES, SINE, GENERATED_SERIES],
  sines: [SERIES, SINES, GENERATED_SERIES],
  mackey_glass: [SERIES, MACKEY_GLASS, GENERATED_SERIES],
  random_walk: [SERIES, RANDOM_WALK, GENERATED_SERIES],
  csv: [SERIES, CSV],
  char: [CHAR],
};

/** The Python pieces that define the run's task and `make_task(args)`. */
export function pythonTaskPieces(config: Config): readonly string[] {
  return TASK_PIECES[config.task];
}
