// "Download run (.zip)": one archive that runs as it is. Unzipped, `python3 train.py` finds everything it reads
// under the names it looks for: the weights as model.safetensors, the run's data under the script's DATA_FILE,
// and (when the run was paused) check.json for --check. config.txt holds the run's link, README.txt the commands.
// Pure (the pieces in, the archive's files out); ui/export/runZip.ts zips them, the page only collects the pieces.
import type { Config } from '../config';
import { encodeRun } from '../lessons';
import { cellInfo, type ModelSpec } from '../spec';
import type { TaskData } from '../tasks/task';
import { pytorchScript, scriptDataFile } from './pytorch';

export const BUNDLE_SCRIPT = 'train.py';
export const BUNDLE_WEIGHTS = 'model.safetensors';
export const BUNDLE_CHECK = 'check.json';
export const BUNDLE_CONFIG = 'config.txt';
export const BUNDLE_README = 'README.txt';

export interface RunBundleInput {
  config: Config;
  spec: ModelSpec;
  /** The step the weights are from. */
  step: number;
  /** The weights as a safetensors file (exportMetadata's settings and step in its metadata). */
  weights: Uint8Array;
  /** The run's link: the page's address with this run's query. */
  link: string;
  /** What the run trained on: the corpus text (char task) or the CSV column (csv task); generated tasks need none. */
  data: TaskData;
  /** check.json (checkFileJson) computed from these same weights; null leaves it out. */
  check: string | null;
  /** The Trainer's validation batch size, as the script's VAL_BATCH. */
  valBatchSize?: number;
}

export interface BundleFile {
  name: string;
  bytes: Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A one-column CSV (header = the column's name) that the script's read_csv_column reads back exactly. */
export function csvFileText(series: NonNullable<TaskData['series']>): string {
  // Quoted, the name survives any delimiter or quote in it; String(v) is the shortest text that parses back to v.
  const lines = [`"${series.name.replace(/"/g, '""')}"`];
  for (let i = 0; i < series.values.length; i++) lines.push(String(series.values[i]));
  return `${lines.join('\n')}\n`;
}

/** The run's data file under the name the script reads (DATA_FILE); null for the tasks that generate their data. */
function dataFile(config: Config, data: TaskData): BundleFile | null {
  const name = scriptDataFile(config);
  if (name === null) return null;
  if (config.task === 'csv') {
    if (!data.series) throw new Error('the CSV column the run trained on is not loaded');
    return { name, bytes: utf8(csvFileText(data.series)) };
  }
  if (data.text === undefined) throw new Error('the text the run trained on is not loaded');
  return { name, bytes: utf8(data.text) };
}

function modelText(spec: ModelSpec): string {
  const info = cellInfo(spec.cell);
  const cell = info.lstmVariants && spec.variant !== 'none' ? `${info.name} (${spec.variant})` : info.name;
  return `${cell}, H=${spec.hiddenSize}, ${spec.numLayers} layer${spec.numLayers === 1 ? '' : 's'}`;
}

function configText(input: RunBundleInput): string {
  const query = encodeRun(input.config);
  const settings = query.split('&').map((pair) => {
    const [key, value = ''] = pair.split('=');
    return `  ${decodeURIComponent(key)} = ${decodeURIComponent(value)}`;
  });
  return [
    'The rnnlab run in this folder. Open it in the playground:',
    `  ${input.link}`,
    '',
    `Task ${input.config.task}, ${modelText(input.spec)}; the weights are from step ${input.step}.`,
    'Its settings (the link\'s query; those left out have their default values):',
    ...settings,
    '',
  ].join('\n');
}

function readmeText(input: RunBundleInput, data: BundleFile | null): string {
  const { config } = input;
  const files = [
    `  ${BUNDLE_SCRIPT.padEnd(18)} the PyTorch script: the model, data, loss, optimiser and training loop of the run`,
    `  ${BUNDLE_WEIGHTS.padEnd(18)} the weights at step ${input.step} (PyTorch state_dict names; train.py loads them)`,
    ...(data ? [`  ${data.name.padEnd(18)} the data the run trained on (train.py reads it)`] : []),
    ...(input.check !== null ? [`  ${BUNDLE_CHECK.padEnd(18)} the playground's outputs on a few validation sequences, for --check`] : []),
    `  ${BUNDLE_CONFIG.padEnd(18)} the run's link and settings`,
  ];
  const command = (line: string, what: string) => `  ${line.padEnd(58)} # ${what}`;
  const withTorch = [
    command(`python3 ${BUNDLE_SCRIPT}`, `load the weights, train ${config.steps > 0 ? config.steps : 1000} more steps, save model_trained.safetensors`),
    command(`python3 ${BUNDLE_SCRIPT} --steps 0`, 'evaluate only'),
    ...(input.check !== null ? [command(`python3 ${BUNDLE_SCRIPT} --check ${BUNDLE_CHECK}`, "PyTorch's outputs against the playground's (tolerance 1e-4)")] : []),
    ...(config.task === 'char' ? [command(`python3 ${BUNDLE_SCRIPT} --steps 0 --sample 300 --temperature 0.8`, 'sample text')] : []),
    command(`python3 ${BUNDLE_SCRIPT} --help`, 'every option'),
  ];
  const noTorch = input.check !== null ? ['', 'Without PyTorch (plain Python 3):', command(`python3 ${BUNDLE_SCRIPT} --pure-check ${BUNDLE_CHECK}`, 'the same check, slower')] : [];
  return [
    `rnnlab run: task ${config.task}, ${modelText(input.spec)}, trained ${input.step} steps in the playground.`,
    '',
    'Files:',
    ...files,
    '',
    'In this folder, with Python 3 and PyTorch (pip install torch):',
    ...withTorch,
    ...noTorch,
    '',
    'train.py starts where the playground stopped: the same weights, and the same stream of batches from there on',
    '(--fresh-stream starts the stream over); its optimiser starts fresh, since the optimiser\'s state is not in the',
    'weights file. The trained weights it saves import back into the playground.',
    '',
  ].join('\n');
}

/** The files of a run's archive, in the order they are listed. */
export function runBundleFiles(input: RunBundleInput): BundleFile[] {
  const data = dataFile(input.config, input.data);
  const csvColumn = input.config.task === 'csv' ? input.data.series?.name : undefined;
  const script = pytorchScript(input.config, input.spec, { fileName: BUNDLE_SCRIPT, csvColumn, valBatchSize: input.valBatchSize, pureForward: input.check !== null });
  return [
    { name: BUNDLE_README, bytes: utf8(readmeText(input, data)) },
    { name: BUNDLE_SCRIPT, bytes: utf8(script) },
    { name: BUNDLE_WEIGHTS, bytes: input.weights },
    ...(data ? [data] : []),
    ...(input.check !== null ? [{ name: BUNDLE_CHECK, bytes: utf8(input.check) }] : []),
    { name: BUNDLE_CONFIG, bytes: utf8(configText(input)) },
  ];
}
