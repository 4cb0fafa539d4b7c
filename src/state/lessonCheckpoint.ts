// Lessons that open from a checkpoint shipped with the page (the char-RNN lesson: public/checkpoints/…, trained
// by the project's own CLI, scripts/train-char-checkpoint.mjs). The file is fetched once, read through the same
// checks as a model file the user imports (importModel), and loaded into the worker with `loadModel` after the
// lesson's Config, exactly as an import is. Reset then trains the same network from scratch.
import type { Config } from '../core/config';
import { importModel, type ImportedModel } from '../core/export/importModel';
import { CHAR_CHECKPOINT, charRnn } from '../core/lessons/charRnn';
import { paramLayout } from '../core/spec';
import { createTask } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import { specFromConfig } from '../core/modelConfig';
import type { ToWorker } from '../train/protocol';

/** lesson id → the checkpoint it opens with, relative to the site's base URL. */
export const LESSON_CHECKPOINTS: Readonly<Record<string, string>> = { [charRnn.id]: CHAR_CHECKPOINT };

/**
 * Why an imported checkpoint cannot start a run of `config` (another task, corpus or network shape), or null
 * when it fits: the same task and corpus as the file's own settings, and the same parameter layout.
 */
export function checkpointMismatch(model: ImportedModel, config: Config, data: TaskData): string | null {
  const saved = model.config;
  if (saved && (saved.task !== config.task || saved.corpus !== config.corpus)) {
    return `it was trained on ${saved.task}${saved.task === 'char' ? ` (${saved.corpus})` : ''}, this run is ${config.task}${config.task === 'char' ? ` (${config.corpus})` : ''}`;
  }
  let spec;
  try {
    spec = specFromConfig(config, createTask(config, data));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const m = model.spec;
  const same =
    m.cell === spec.cell &&
    m.variant === spec.variant &&
    m.hiddenSize === spec.hiddenSize &&
    m.numLayers === spec.numLayers &&
    m.inputSize === spec.inputSize &&
    m.outputSize === spec.outputSize &&
    paramLayout(m).size === paramLayout(spec).size;
  return same ? null : `it is a ${m.cell} with H = ${m.hiddenSize} and ${m.numLayers} layer${m.numLayers === 1 ? '' : 's'}, this run's network is a ${spec.cell} with H = ${spec.hiddenSize} and ${spec.numLayers}`;
}

const fetched = new Map<string, Promise<Uint8Array>>();

async function fetchOnce(url: string): Promise<Uint8Array> {
  let bytes = fetched.get(url);
  if (!bytes) {
    bytes = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    fetched.set(url, bytes);
    bytes.catch(() => fetched.delete(url)); // a failed fetch is tried again next time
  }
  return bytes;
}

/**
 * The messages that start a lesson from its shipped checkpoint — [] when the lesson has none or the file
 * does not fit the run (then `notice` says why, and the run trains from scratch). Never throws.
 */
export async function lessonCheckpointMessages(config: Config, data: TaskData, notice: (message: string) => void, baseUrl = import.meta.env.BASE_URL): Promise<ToWorker[]> {
  const file = LESSON_CHECKPOINTS[config.preset];
  if (!file) return [];
  let bytes: Uint8Array;
  try {
    bytes = await fetchOnce(baseUrl + file);
  } catch (e) {
    notice(`the lesson's trained checkpoint (${file}) could not be loaded (${e instanceof Error ? e.message : String(e)}); training from scratch`);
    return [];
  }
  const read = importModel(bytes);
  if (!read.ok) {
    notice(`the lesson's trained checkpoint (${file}) could not be read: ${read.error} Training from scratch.`);
    return [];
  }
  const mismatch = checkpointMismatch(read.model, config, data);
  if (mismatch) {
    notice(`the lesson's trained checkpoint does not fit these settings (${mismatch}); training from scratch`);
    return [];
  }
  const step = read.model.step ?? 0;
  notice(`opened from a checkpoint trained for ${step.toLocaleString('en-US')} steps (${file}); Reset trains from scratch`);
  return [{ type: 'loadModel', params: read.model.params, step }];
}
