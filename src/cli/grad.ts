// `rnnlab grad --model M.safetensors --batch B.json [--engine cpu|webgpu]`: one forward and backward pass
// from a zero initial state, no update, no clipping, no penalty. Prints one JSON object:
// {"loss", "grads": {name: flattened row-major numbers, for every tensor of the model file}, "dhNorm": [T] (top
// layer), "dcNorm": [T] (LSTM only, top layer)}.
import { modelFromSafetensors } from '../core/safetensors';
import { cellInfo, paramLayout } from '../core/spec';
import type { StepOptions } from '../engine/engine';
import { CliError, engineFlag, parseFlags, requireFlag } from './args';
import { parseBatchJson } from './batchJson';
import { createEngine, firstLine, initEngine } from './engines';
import { readInputFile } from './files';

export const GRAD_HELP = `rnnlab grad --model M.safetensors --batch B.json [--engine cpu|webgpu]

One forward and backward pass (full BPTT from a zero state, no update, no clipping, no penalty).
Prints one JSON object on stdout:
  {"loss": n, "grads": {"<tensor>": [numbers, row-major], ...}, "dhNorm": [T], "dcNorm": [T] (LSTM)}
dhNorm/dcNorm are the top layer's per-step norms ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ (Frobenius over the batch).
Numbers are the engine's own: float64 from the CPU engine (the default), float32 from WebGPU.

Model: safetensors with PyTorch names (rnn.weight_ih_l0, …, head.weight, head.bias) and metadata
  cell (rnn_tanh | rnn_relu | lstm | gru | esn, or RNN_TANH, LSTM, …), inputSize, hiddenSize, outputSize,
  numLayers (default 1), variant (LSTM, default none).
Batch: {"loss": "mse"|"xent", "lossSteps": "all"|"last", "x": [T][B][X], "y": [T][B][Y]}
  or "labels": [T][B] class indices instead of "y" for xent.`;

const GRAD_OPTIONS: StepOptions = {
  optimizer: { kind: 'sgd', lr: 0, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
  clip: { mode: 'none', threshold: 1 },
  penalty: { l2: 0, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: false,
};

export async function gradCommand(args: string[]): Promise<string> {
  const flags = parseFlags('grad', args, { values: ['model', 'batch', 'engine'] });
  const modelPath = requireFlag('grad', flags, 'model');
  const batchPath = requireFlag('grad', flags, 'batch');
  const engineKind = engineFlag('grad', flags);

  let model: ReturnType<typeof modelFromSafetensors>;
  try {
    model = modelFromSafetensors(readInputFile('model file', modelPath));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`model file "${modelPath}": ${firstLine(e)}`);
  }
  const { spec, params } = model;
  const batchBytes = readInputFile('batch file', batchPath);
  let batchText: string;
  try {
    batchText = new TextDecoder('utf-8', { fatal: true }).decode(batchBytes);
  } catch {
    throw new CliError(`batch file "${batchPath}" is not UTF-8 text`);
  }
  const batch = parseBatchJson(batchText, spec);

  const engine = await createEngine(engineKind);
  try {
    await initEngine(engine, () => engine.init(spec, params));
    const result = await engine.step(batch, GRAD_OPTIONS, true);
    if (!result.grads) throw new Error('the engine returned no gradient');
    const grads: Record<string, number[]> = {};
    for (const t of paramLayout(spec).tensors) grads[t.name] = Array.from(result.grads.subarray(t.offset, t.offset + t.size));
    const top = spec.numLayers - 1;
    const out: Record<string, unknown> = { loss: result.loss, grads, dhNorm: Array.from(result.dhNorm[top]) };
    if (cellInfo(spec.cell).cellState && result.dcNorm) out.dcNorm = Array.from(result.dcNorm[top]);
    return JSON.stringify(out);
  } finally {
    engine.dispose();
  }
}
