// Importing a model file into the playground: a size limit before anything is read, the safetensors and
// model checks of src/core/safetensors.ts (names, shapes, dtype, metadata, hostile headers), finite values,
// the playground's own size ranges, and messages a student can act on. Never throws.
import { decodeRun, encodeRun } from '../lessons';
import { CONFIG_FIELDS, type Config } from '../config';
import { modelFromSafetensors } from '../safetensors';
import { cellInfo, paramLayout, type ModelSpec } from '../spec';

/** Larger files are refused before they are parsed (an LSTM with H = 1024 and 3 layers is ~100 MB). */
export const MAX_MODEL_BYTES = 128 * 1024 * 1024;

export interface ImportedModel {
  spec: ModelSpec;
  params: Float32Array; // laid out by paramLayout(spec)
  metadata: Record<string, string>;
  /** The run's settings when the file came from rnnlab (metadata "config"), with the model's sizes applied. */
  config: Config | null;
  /** Training steps the file's weights had (metadata "step"), when known. */
  step: number | null;
  /** Things worth telling the user that do not stop the import. */
  notes: string[];
}

export type ImportResult = { ok: true; model: ImportedModel } | { ok: false; error: string };

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;

/** Metadata the page adds when it exports a model, so an import can restore the run's settings. */
export function exportMetadata(config: Config, step: number): Record<string, string> {
  return { config: encodeRun(config), step: String(step), producer: 'rnnlab' };
}

/**
 * Checks and reads a .safetensors model. `maxBytes` is checked first, on the length alone.
 * Errors name the problem in words (and keep the technical detail after a colon).
 */
export function importModel(bytes: Uint8Array, maxBytes = MAX_MODEL_BYTES): ImportResult {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: 'No file data was received.' };
  if (bytes.length === 0) return { ok: false, error: 'The file is empty.' };
  if (bytes.length > maxBytes) {
    return { ok: false, error: `The file is ${mb(bytes.length)}; the limit for a model is ${mb(maxBytes)}. Is it the right file?` };
  }
  let read: ReturnType<typeof modelFromSafetensors>;
  try {
    read = modelFromSafetensors(bytes);
  } catch (e) {
    return { ok: false, error: explain(e instanceof Error ? e.message : String(e)) };
  }
  const { spec, params, metadata } = read;
  const layout = paramLayout(spec);
  for (const t of layout.tensors) {
    for (let i = t.offset; i < t.offset + t.size; i++) {
      if (!Number.isFinite(params[i])) {
        return {
          ok: false,
          error: `The model's weights are not usable: tensor "${t.name}" holds ${params[i]} at element ${i - t.offset}. It was probably saved after training diverged; export an earlier checkpoint.`,
        };
      }
    }
  }
  const range = (key: 'H' | 'layers') => CONFIG_FIELDS[key];
  if (spec.hiddenSize > range('H').max) {
    return { ok: false, error: `The model has ${spec.hiddenSize} hidden units; the playground trains at most ${range('H').max}.` };
  }
  const notes: string[] = [];
  let config: Config | null = null;
  if (metadata.config !== undefined) {
    const decoded = decodeRun(metadata.config);
    config = { ...decoded.config, ...configPatchForModel(spec) };
    if (decoded.notices.length > 0) notes.push(`Some saved settings were adjusted: ${decoded.notices.join('; ')}.`);
  } else {
    notes.push('The file holds no rnnlab settings (no "config" metadata): keep the task whose inputs and outputs fit the model.');
  }
  const stepText = metadata.step;
  const step = stepText !== undefined && /^\d+$/.test(stepText.trim()) ? Number(stepText.trim()) : null;
  return { ok: true, model: { spec, params, metadata, config, step, notes } };
}

/** The Config settings that describe a model's architecture. */
export function configPatchForModel(spec: ModelSpec): Partial<Config> {
  const patch: Partial<Config> = { cell: spec.cell, H: spec.hiddenSize, layers: spec.numLayers };
  if (cellInfo(spec.cell).lstmVariants) patch.variant = spec.variant;
  if (cellInfo(spec.cell).reservoir) {
    patch.rho = spec.esn.spectralRadius;
    patch.leak = spec.esn.leak;
    patch.inScale = spec.esn.inputScale;
  }
  return patch;
}

/** Why a model does not fit a task (input or output sizes differ), or null when it fits. */
export function taskMismatch(spec: ModelSpec, task: { name: string; inputSize: number; outputSize: number }): string | null {
  if (spec.inputSize === task.inputSize && spec.outputSize === task.outputSize) return null;
  return (
    `This model reads ${spec.inputSize} input${spec.inputSize === 1 ? '' : 's'} and predicts ${spec.outputSize} output${spec.outputSize === 1 ? '' : 's'}, ` +
    `but the "${task.name}" task gives ${task.inputSize} and needs ${task.outputSize}. Choose the task it was trained on.`
  );
}

/** A library message, opened with a sentence that says what it means for the user. */
function explain(detail: string): string {
  const d = detail.replace(/^safetensors: /, '');
  if (/too short|runs past the end|truncated/.test(d)) return `The file is cut short or is not a safetensors file: ${d}.`;
  if (/not valid UTF-8|not valid JSON|must be a JSON object|header is empty|header length/.test(d)) return `This is not a safetensors file (its header cannot be read): ${d}.`;
  if (/dtype/.test(d)) return `The file stores numbers in a format the playground does not read: ${d}.`;
  if (/unknown cell|unknown LSTM variant|unknown nonlinearity|no "cell"/.test(d)) return `The file does not describe a network the playground has: ${d}.`;
  if (/missing tensor|unexpected tensor|has shape|model metadata/.test(d)) return `The file's tensors do not match the model its metadata describes: ${d}.`;
  return `The file could not be read as a model: ${d}.`;
}
