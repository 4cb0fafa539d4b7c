// The generated PyTorch script: a readable, runnable train_<task>.py that takes a run out of the playground.
// It defines the module (names = the safetensors names of paramLayout), loads model.safetensors, re-creates
// the task's data generator (same random stream, so the same batches for the same seed), and trains with the
// run's loss, optimiser, clipping, penalties and BPTT — and samples text for char models.
// The Python is in fixed .py files under python/ (checked by Python's compiler in
// tests/unit/export-py-files.test.ts), the task pieces chosen in pythonTasks.ts and the model written by
// pythonModel.ts; this file writes the header and the settings block (the constants the pieces read) and
// assembles the script.
import { encodeRun } from '../lessons';
import type { Batch } from '../batch';
import { type Config } from '../config';
import { modelMetadata } from '../safetensors';
import { cellInfo, paramLayout, type ModelSpec } from '../spec';
import DTYPE from './python/dtype.py?raw';
import GATE_BIASES from './python/gate_biases.py?raw';
import IMPORTS from './python/imports.py?raw';
import LOSSES from './python/losses.py?raw';
import MAIN from './python/main.py?raw';
import OMEGA from './python/omega.py?raw';
import RIDGE from './python/ridge.py?raw';
import SAFETENSORS_IO from './python/safetensors_io.py?raw';
import SAMPLING from './python/sampling.py?raw';
import TRAINING from './python/training.py?raw';
import { PY_RNG, pythonTaskPieces } from './pythonTasks';
import { pythonModelSource, pythonPureForwardSource, usesExplicitModule } from './pythonModel';

export interface ScriptOptions {
  /** Also emit `pure_forward` (plain-Python forward, no torch) and the `--pure-check` option. */
  pureForward?: boolean;
  /** CSV task: the column the run trained on, and the data file's name. */
  csvColumn?: string;
  /** CSV/char tasks: the data file the script reads by default. */
  dataFile?: string;
  /** The Trainer's validation batch size (its DEFAULT_TRAINER_OPTIONS.valBatchSize unless the page changed it). */
  valBatchSize?: number;
  /** The script's own file name, for the commands in its header (default scriptFileName: train_<task>.py). */
  fileName?: string;
}

/**
 * The file for the script's --check: the playground's inputs and head outputs, nested (T, B, X) and (T, B, Y).
 * The script recomputes the outputs from model.safetensors and reports the largest difference.
 */
export function checkFileJson(batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>, outputs: Float32Array, step: number): string {
  const { T, B, X } = batch;
  const Y = outputs.length / (T * B);
  if (!Number.isInteger(Y) || Y < 1) throw new Error(`outputs hold ${outputs.length} numbers, not a multiple of T·B = ${T * B}`);
  const nest = (a: Float32Array, inner: number) =>
    Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from(a.subarray((t * B + b) * inner, (t * B + b + 1) * inner))));
  return JSON.stringify({ step, x: nest(batch.x, X), outputs: nest(outputs, Y) });
}

/** Sequence b of a time-major (T, B, n) array, as (T, 1, n). */
export function sequenceOf(values: Float32Array, T: number, B: number, b: number): Float32Array {
  const n = values.length / (T * B);
  const out = new Float32Array(T * n);
  for (let t = 0; t < T; t++) out.set(values.subarray((t * B + b) * n, (t * B + b + 1) * n), t * n);
  return out;
}

/** Sequences of (T, 1, n) each, side by side as one (T, B, n) array (B = their count). */
export function stackSequences(sequences: readonly Float32Array[], T: number): Float32Array {
  const B = sequences.length;
  const n = B === 0 ? 0 : sequences[0].length / T;
  const out = new Float32Array(T * B * n);
  sequences.forEach((seq, b) => {
    if (seq.length !== T * n) throw new Error(`sequence ${b} holds ${seq.length} numbers, not T·${n} = ${T * n}`);
    for (let t = 0; t < T; t++) out.set(seq.subarray(t * n, (t + 1) * n), (t * B + b) * n);
  });
  return out;
}

/** How many sequences of the validation batch a check file holds: enough to catch a difference, quick to compute. */
export const CHECK_SEQUENCES = 4;

/**
 * check.json for the weights the model has now: its outputs on the first CHECK_SEQUENCES sequences of `batch`,
 * computed one sequence at a time by `forward` (the page's: a forward pass in the worker, (T, 1, X) → (T, 1, Y)).
 * The outputs are taken at export time, so they are never those of older weights.
 */
export async function checkFileFromModel(
  batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>,
  step: number,
  forward: (x: Float32Array, T: number) => Promise<Float32Array>,
): Promise<string> {
  const { T, B, X } = batch;
  const count = Math.min(B, CHECK_SEQUENCES);
  const inputs = Array.from({ length: count }, (_, b) => sequenceOf(batch.x, T, B, b));
  const outputs: Float32Array[] = [];
  for (const x of inputs) outputs.push(await forward(x, T)); // one at a time: the worker answers in order
  return checkFileJson({ T, B: count, X, x: stackSequences(inputs, T) }, stackSequences(outputs, T), step);
}

/** The file name the page offers: train_<task>.py. */
export function scriptFileName(config: Config): string {
  return `train_${config.task}.py`;
}

const py = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
const pyStr = (s: string) => JSON.stringify(s);

/** The data file the script reads by default (its DATA_FILE): null for the tasks that generate their data. */
export function scriptDataFile(config: Config, options: Pick<ScriptOptions, 'dataFile'> = {}): string | null {
  if (options.dataFile) return options.dataFile;
  if (config.task === 'csv') return 'data.csv';
  if (config.task === 'char') return config.corpus === 'user' ? 'corpus.txt' : `${config.corpus}.txt`;
  return null;
}

function header(config: Config, spec: ModelSpec, options: ScriptOptions): string {
  const file = options.fileName ?? scriptFileName(config);
  const info = cellInfo(spec.cell);
  const cellText = info.lstmVariants && spec.variant !== 'none' ? `${info.name} (Greff variant ${spec.variant})` : info.name;
  const dataFile = scriptDataFile(config, options);
  const dataNote = dataFile
    ? `\nData: this task reads ${dataFile} (--data to point elsewhere)${config.task === 'csv' ? `, column ${pyStr(options.csvColumn ?? 'value')} (--column)` : ''}.\n` +
      `Put the same file next to the script: the vocabulary / normalisation come from it and must match the model.\n`
    : '';
  return `#!/usr/bin/env python3
"""An rnnlab run, taken to PyTorch: task ${config.task}, ${cellText}, H=${spec.hiddenSize}, ${spec.numLayers} layer(s).

The playground's settings (its URL query):
    ${encodeRun(config)}

This script
  * defines the model; its parameter names are those of model.safetensors, so the playground's weights load
    with load_state_dict,
  * re-creates the task's data generator with the playground's random stream (same seed, same batches),
  * trains with the run's loss, optimiser, clipping, penalties and backprop-through-time settings,
  * evaluates on validation batches, saves the trained weights in the same format (importable by the
    playground)${config.task === 'char' ? ',\n  * and samples text with a temperature (--sample)' : ''}.

Run:
    pip install torch
    python3 ${file}                      # load model.safetensors if present, train, evaluate
    python3 ${file} --steps 0            # evaluate only
    python3 ${file} --check check.json   # compare outputs with the playground's (see --help)${config.task === 'char' ? `
    python3 ${file} --steps 0 --sample 300 --temperature 0.8 --prime "the "` : ''}
${dataNote}
Differences from the playground, worth knowing:
  * The playground computes in float64 (CPU engine) or float32 (WebGPU); PyTorch here in float32 (DTYPE;
    --dtype float64 computes in float64 and then follows the CPU engine step by step). In float32 losses agree
    to about 1e-5 and long training runs drift apart slowly.
  * L2 is the penalty lambda/2 * ||W||^2 added to the loss, on weight matrices only (not biases or peepholes),
    so its gradient lambda * W joins the gradient before clipping and before Adam's moments. That is not
    torch.optim's weight_decay (applied inside the optimiser, to every parameter) nor AdamW's decoupled decay.
  * Truncated BPTT, as in the playground: a chunk with no scored step makes no update (the optimiser's moments
    and step count do not move); with K2 > K1 the earlier steps of a window are recomputed with the current
    weights from the state before the window.
  * Clipping by norm multiplies by CLIP_AT / norm (torch.nn.utils.clip_grad_norm_ would divide by norm + 1e-6).
"""`;
}

/** The settings block: the run's values as the module-level constants that the .py pieces read. */
function settings(config: Config, spec: ModelSpec, options: ScriptOptions): string {
  const dataFile = scriptDataFile(config, options);
  const lines = [
    "# ---- The run's settings ----",
    '',
    `SEED = ${config.seed}  # the playground forks Rng(SEED) into streams for init, training batches, validation`,
    `VAL_BATCH = ${options.valBatchSize ?? 64}  # the playground validates on one fixed batch of this size`,
    `TASK = ${pyStr(config.task)}`,
    `T = ${config.T}  # ${config.task === 'copy' ? 'the delay; copy sequences are T + 20 long' : 'sequence length (the lag / window)'}`,
    `BATCH = ${config.B}  # B`,
    `CELL = ${pyStr(spec.cell)}`,
    ...(cellInfo(spec.cell).lstmVariants
      ? [`VARIANT = ${pyStr(spec.variant)}`, `BIAS_INIT = ${pyStr(config.bias)}  # gate biases for a fresh model: 'default', 'forget1' (b_f = 1) or 'chrono'`]
      : []),
    `INPUT_SIZE = ${spec.inputSize}  # X`,
    `HIDDEN = ${spec.hiddenSize}  # H`,
    `OUTPUT_SIZE = ${spec.outputSize}  # Y`,
    `LAYERS = ${spec.numLayers}`,
    `OPTIMIZER = ${pyStr(config.opt)}`,
    `LR = ${py(config.lr)}`,
    `MOMENTUM = ${py(config.mom)}  # SGD with momentum only`,
    `CLIP = ${pyStr(config.clip)}  # 'none', 'norm' (global L2 norm) or 'value' (each element)`,
    `CLIP_AT = ${py(config.clipAt)}`,
    `L2 = ${py(config.l2)}  # lambda of lambda/2 * ||W||^2 over weight matrices`,
    `OMEGA = ${py(omegaWeight(config, spec))}  # weight of Pascanu's regulariser (Elman RNNs only)`,
    `BPTT = ${pyStr(config.bptt)}`,
    `K1, K2 = ${config.k1}, ${config.k2}  # truncated BPTT: update every K1 steps, backpropagating K2 steps`,
    config.steps > 0 ? `STEPS = ${config.steps}` : 'STEPS = 1000  # the run had no step limit; choose with --steps',
    dataFile === null ? 'DATA_FILE = None  # the task generates its data from SEED' : `DATA_FILE = ${pyStr(dataFile)}  # read by default (--data)`,
    ...(config.task === 'csv' ? [`CSV_COLUMN = ${pyStr(options.csvColumn ?? 'value')}  # the column the run trained on (--column)`] : []),
    ...(config.task === 'char' ? [`USER_TEXT = ${config.corpus === 'user' ? 'True' : 'False'}  # the corpus was the user's own text`] : []),
    `HAS_PURE_FORWARD = ${options.pureForward ? 'True' : 'False'}  # True: the script also has pure_forward, the forward in plain Python (--pure-check)`,
    `METADATA = ${JSON.stringify(modelMetadata(spec))}  # written with the weights`,
    '# Every tensor of model.safetensors and its shape: a weights file that differs is refused in one line (read_weights)',
    'PARAM_SHAPES = {',
    ...paramLayout(spec).tensors.map((t) => `    ${pyStr(t.name)}: ${JSON.stringify(t.shape)},`),
    '}',
  ];
  return lines.join('\n');
}

/** Pascanu's Ω applies to the Elman RNNs only (the registry's `omega`); elsewhere the script's OMEGA is 0. */
function omegaWeight(config: Config, spec: ModelSpec): number {
  return cellInfo(spec.cell).omega ? config.omega : 0;
}

/**
 * A readable, runnable PyTorch script for a run: python3 + torch (safetensors is read by a few lines of
 * struct, so the safetensors package is optional). Time-major tensors (T, B, X), as nn.RNN's default.
 * The header and the settings block are written here; every other part is a fixed .py piece, chosen by the
 * run (Ω, the cell, the task, the pure-Python forward), that reads the settings' constants.
 */
export function pytorchScript(config: Config, spec: ModelSpec, options: ScriptOptions = {}): string {
  const omega = omegaWeight(config, spec);
  const parts = [header(config, spec, options), IMPORTS, settings(config, spec, options), DTYPE, PY_RNG, ...pythonTaskPieces(config), SAFETENSORS_IO, pythonModelSource(spec, omega > 0 ? omega : 0)];
  if (options.pureForward) parts.push(pythonPureForwardSource());
  if (cellInfo(spec.cell).lstmVariants) parts.push(GATE_BIASES);
  parts.push(LOSSES);
  if (omega > 0) parts.push(OMEGA);
  parts.push(TRAINING);
  if (cellInfo(spec.cell).reservoir) parts.push(RIDGE);
  if (config.task === 'char') parts.push(SAMPLING);
  parts.push(MAIN);
  // Two blank lines between the pieces, as between top-level definitions in Python.
  return `${parts.map((part) => part.trim()).join('\n\n\n')}\n`;
}

export { usesExplicitModule };
