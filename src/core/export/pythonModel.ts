// The model in the exported PyTorch script: nn.RNN/LSTM/GRU where PyTorch has the cell, a small explicit
// module where it does not (the registry's `torch`: Greff LSTM variants, the leaky echo-state reservoir, MGU, and
// the Elman RNN when Pascanu's Ω needs every h_t). Parameter names always match paramLayout (src/core/spec.ts), so
// the playground's model.safetensors loads with load_state_dict. Also, behind a flag, the same forward in plain
// Python lists, which the tests run against the CPU engine where torch is not installed.
// The Python is in python/cells/*.py; this file writes only the constants those pieces read.
import MODEL_PY from './python/cells/model.py?raw';
import PURE_FORWARD_PY from './python/cells/pure_forward.py?raw';
import { cellInfo, gateCount, lstmFlags, type LstmFlags, type ModelSpec } from '../spec';

const py = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
const pyBool = (v: boolean) => (v ? 'True' : 'False');

/** True when the script writes the recurrent layers out by hand rather than using an nn class. */
export function usesExplicitModule(spec: ModelSpec, omega: number): boolean {
  return cellInfo(spec.cell).torch(spec, omega > 0).module !== null;
}

function describeVariant(flags: LstmFlags): string[] {
  const parts: string[] = [];
  if (flags.peepholes) parts.push('peepholes (i, f look at c_{t-1}; o looks at c_t)');
  if (!flags.inputGate) parts.push('no input gate (i = 1)');
  if (!flags.forgetGate) parts.push('no forget gate (f = 1)');
  if (!flags.outputGate) parts.push('no output gate (o = 1)');
  if (!flags.inputActivation) parts.push('no input activation (g = pre-activation)');
  if (!flags.outputActivation) parts.push('no output activation (h = o * c)');
  if (flags.coupled) parts.push('coupled input and forget gates (f = 1 - i)');
  if (flags.fullGateRecurrence) parts.push('full gate recurrence (i, f, o also see i, f, o of step t-1)');
  return parts;
}

/** The constants the cell's pieces read: the LSTM variant's switches, the reservoir's scales, the nonlinearity. */
function cellConstants(spec: ModelSpec): string {
  const info = cellInfo(spec.cell);
  const lines = [`GATES = ${gateCount(spec.cell)}  # blocks of rows in W_ih and W_hh`];
  if (info.lstmVariants) {
    const f = lstmFlags(spec.variant);
    const what = spec.variant === 'none' ? "PyTorch's nn.LSTM" : `the Greff et al. variant '${spec.variant}': ${describeVariant(f).join('; ')}`;
    lines.push(
      `# The LSTM is ${what}.`,
      `PEEPHOLES = ${pyBool(f.peepholes)}`,
      `INPUT_GATE = ${pyBool(f.inputGate)}`,
      `FORGET_GATE = ${pyBool(f.forgetGate)}`,
      `OUTPUT_GATE = ${pyBool(f.outputGate)}`,
      `INPUT_ACTIVATION = ${pyBool(f.inputActivation)}`,
      `OUTPUT_ACTIVATION = ${pyBool(f.outputActivation)}`,
      `COUPLED = ${pyBool(f.coupled)}  # f = 1 - i`,
      `FULL_GATE_RECURRENCE = ${pyBool(f.fullGateRecurrence)}`,
    );
  }
  if (info.omega) lines.push(`NONLINEARITY = ${spec.cell === 'rnn_relu' ? "'relu'" : "'tanh'"}`);
  if (info.reservoir) {
    lines.push(
      `LEAK = ${py(spec.esn.leak)}  # a`,
      `SPECTRAL_RADIUS = ${py(spec.esn.spectralRadius)}  # of W_hh, for a fresh reservoir`,
      `INPUT_SCALE = ${py(spec.esn.inputScale)}  # W_in entries in [-s, s], for a fresh reservoir`,
    );
  }
  lines.push(
    `RESERVOIR = ${pyBool(info.reservoir)}  # a fixed reservoir: the readout starts at zero and can be fitted by ridge regression`,
    `GATE_BIASES = ${pyBool(info.lstmVariants)}  # BIAS_INIT applies (init_gate_biases) to a fresh model`,
  );
  return lines.join('\n');
}

/** The torch model: the cell's constants, its module (when PyTorch has none), `make_rnn` and `class Model`. */
export function pythonModelSource(spec: ModelSpec, omega: number): string {
  const { build, module } = cellInfo(spec.cell).torch(spec, omega > 0);
  return `
# ---- The model ----

${cellConstants(spec)}
${module ?? ''}

def make_rnn():
    """The recurrent layers."""
    return ${build}
${MODEL_PY}`;
}

/**
 * The forward pass in plain Python lists (no torch, no numpy), transcribed from src/core/cells/*, for checking
 * the exported weights and math on any python3. Reads the constants pythonModelSource writes.
 */
export function pythonPureForwardSource(): string {
  return PURE_FORWARD_PY;
}
