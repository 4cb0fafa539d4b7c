// The PyTorch gradient oracle, shared by tests/unit/torch-oracle.test.ts (CPU engine) and
// tests/gpu/torch-oracle.test.ts (WebGPU engine): the cases, the one python process that answers them all
// (tests/python/oracle.py: hand-written cell equations, float64 autograd — never our code, never the export),
// and the comparison of an engine's StepResult with the oracle's answer.
//
// Cases are generated from the registries (CELLS, LSTM_VARIANTS), so a new cell or variant is picked up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch, LossKind, LossSteps } from '../../src/core/batch';
import { rescaleRecurrent } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { CELLS, LSTM_VARIANTS, findTensor, gateCount, makeSpec, paramLayout, validateSpec, type CellKind, type LstmVariant, type ModelSpec } from '../../src/core/spec';
import type { Engine, StepOptions, StepResult } from '../../src/engine/engine';
import { gradOnly } from '../unit/gradcheck';
import { TORCH_PYTHON } from './torchPython';

export const ORACLE_PY = join(__dirname, 'oracle.py');

export interface OracleCase {
  name: string;
  spec: ModelSpec;
  params: Float32Array;
  batch: Batch;
  /** Truncated BPTT(k1, k2); absent = full BPTT. */
  bptt?: { k1: number; k2: number };
  /** Long-profile cases: the oracle's ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) of every layer must span at least this many orders of magnitude. */
  minOrders?: number;
}

export interface OracleChunk {
  start: number;
  end: number;
  window: number; // w0: the first step the chunk's backward reaches
  loss: number;
  count: number; // scored (t, b) in the chunk
  grads: Record<string, number[]>;
  dh: number[][]; // [L][T], filled on [start, end)
  dc: number[][] | null;
}

export interface OracleAnswer {
  chunks: OracleChunk[];
}

// ---------------------------------------------------------------------------------------------------------
// Cases

interface CaseShape {
  cell: CellKind;
  variant?: LstmVariant;
  layers?: number;
  loss?: LossKind;
  lossSteps?: LossSteps;
  T?: number;
  B?: number;
  X?: number;
  H?: number;
  Y?: number;
  leak?: number;
  scale?: number;
  seed: number;
}

function label(s: CaseShape): string {
  const cell = s.cell === 'lstm' ? `lstm:${s.variant ?? 'none'}` : s.cell;
  return `${cell} L=${s.layers ?? 1} ${s.loss ?? 'mse'}/${s.lossSteps ?? 'all'} T=${s.T ?? 6} B=${s.B ?? 3} H=${s.H ?? 4}`;
}

export function specOf(s: CaseShape): ModelSpec {
  const xent = (s.loss ?? 'mse') === 'xent';
  return makeSpec({
    cell: s.cell,
    variant: s.variant ?? 'none',
    inputSize: s.X ?? 3,
    hiddenSize: s.H ?? 4,
    outputSize: s.Y ?? (xent ? 4 : 2),
    numLayers: s.layers ?? 1,
    esn: { spectralRadius: 0.9, leak: s.leak ?? 0.7, inputScale: 1 },
  });
}

/** Uniform parameters in [−scale, scale] (every tensor nonzero, peepholes and W_gg included), float32. */
function uniformParams(spec: ModelSpec, rng: Rng, scale: number): Float32Array {
  return new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-scale, scale));
}

function batchOf(spec: ModelSpec, T: number, B: number, loss: LossKind, lossSteps: LossSteps, rng: Rng): Batch {
  const { inputSize: X, outputSize: Y } = spec;
  const x = new Float32Array(T * B * X).map(() => rng.uniform(-1, 1));
  const batch: Batch = { T, B, X, x, loss, lossSteps };
  if (loss === 'mse') batch.y = new Float32Array(T * B * Y).map(() => rng.uniform(-1, 1));
  else batch.labels = new Int32Array(T * B).map(() => rng.int(Y));
  return batch;
}

function makeCase(s: CaseShape, name = label(s)): OracleCase {
  const spec = specOf(s);
  const problem = validateSpec(spec);
  if (problem) throw new Error(`${name}: ${problem}`);
  const rng = new Rng(s.seed);
  const params = uniformParams(spec, rng, s.scale ?? 0.6);
  return { name, spec, params, batch: batchOf(spec, s.T ?? 6, s.B ?? 3, s.loss ?? 'mse', s.lossSteps ?? 'all', rng) };
}

/** Every cell kind once: plain LSTM (variant none), the others as they are. */
const cellKinds: { cell: CellKind; variant?: LstmVariant }[] = CELLS.map((cell) => ({ cell }));
/** Every LSTM variant (the Greff et al. set and PyTorch's plain LSTM). */
const lstmKinds: { cell: CellKind; variant: LstmVariant }[] = LSTM_VARIANTS.map((variant) => ({ cell: 'lstm', variant }));
/** Every cell and variant. */
const allKinds = [...cellKinds.filter((k) => k.cell !== 'lstm'), ...lstmKinds];
const stackable = (cell: CellKind) => validateSpec(makeSpec({ cell, inputSize: 1, hiddenSize: 1, outputSize: 1, numLayers: 2 })) === null;

export interface CaseGroups {
  /** Every cell × {mse, xent} × {all, last}. */
  cells: OracleCase[];
  /** Every LSTM variant × {mse/all, xent/last}. */
  variants: OracleCase[];
  /** 2 and 3 layers for every stackable cell; 2 layers for every LSTM variant. */
  layers: OracleCase[];
  /** T = B = H = 1 (and X = Y = 1) for every cell and variant. */
  edge: OracleCase[];
  /** Masks and xent labels −1 (steps that carry no loss). */
  masks: OracleCase[];
  /** Truncated BPTT(k1, k2): k2 < k1, k2 = k1, k2 > k1, a last chunk without loss, no loss at all. */
  tbptt: OracleCase[];
  /** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) spanning ≥ 30 orders of magnitude. */
  long: OracleCase[];
}

export function oracleCases(opts: { small?: boolean } = {}): CaseGroups {
  let seed = 100;
  const next = () => seed++;
  const cells: OracleCase[] = [];
  for (const k of cellKinds) {
    for (const loss of ['mse', 'xent'] as const) {
      for (const lossSteps of ['all', 'last'] as const) cells.push(makeCase({ ...k, loss, lossSteps, seed: next() }));
    }
  }
  const variants: OracleCase[] = [];
  for (const k of lstmKinds) {
    variants.push(makeCase({ ...k, loss: 'mse', lossSteps: 'all', seed: next() }));
    variants.push(makeCase({ ...k, loss: 'xent', lossSteps: 'last', seed: next() }));
  }
  const layers: OracleCase[] = [];
  for (const k of cellKinds.filter((k) => stackable(k.cell))) {
    for (const L of [2, 3]) layers.push(makeCase({ ...k, layers: L, T: 5, loss: L === 2 ? 'mse' : 'xent', lossSteps: L === 2 ? 'all' : 'last', seed: next() }));
  }
  for (const k of lstmKinds.filter((k) => k.variant !== 'none')) {
    layers.push(makeCase({ ...k, layers: opts.small ? 2 : 3, T: 5, H: 3, loss: 'xent', lossSteps: 'all', seed: next() }));
  }
  const edge: OracleCase[] = [];
  for (const k of allKinds) {
    edge.push(makeCase({ ...k, T: 1, B: 1, H: 1, X: 1, Y: 1, scale: 0.9, seed: next() }, `${label({ ...k, T: 1, B: 1, H: 1, seed: 0 })} X=Y=1`));
  }
  edge.push(makeCase({ cell: 'lstm', variant: 'fgr', layers: 3, T: 1, B: 1, H: 1, X: 1, Y: 2, loss: 'xent', seed: next() }, 'lstm:fgr L=3 xent T=B=H=1'));
  edge.push(makeCase({ cell: 'gru', layers: 2, T: 1, B: 1, H: 1, X: 1, Y: 1, seed: next() }, 'gru L=2 mse T=B=H=1'));

  const masks: OracleCase[] = [];
  {
    const c = makeCase({ cell: 'lstm', variant: 'vanilla', T: 6, B: 3, seed: next() }, 'lstm:vanilla mse/all with a 0/1 mask');
    const rng = new Rng(7);
    c.batch.mask = new Float32Array(c.batch.T * c.batch.B).map(() => (rng.next() < 0.5 ? 1 : 0));
    c.batch.mask[0] = 1;
    masks.push(c);
    const d = makeCase({ cell: 'gru', T: 6, B: 3, loss: 'xent', seed: next() }, 'gru xent/all with labels −1 (no loss) on some steps');
    d.batch.labels = d.batch.labels!.map((v, i) => (i % 3 === 1 ? -1 : v));
    masks.push(d);
  }

  const tbptt: OracleCase[] = [];
  for (const [cell, variant] of [['rnn_tanh', undefined], ['lstm', 'vanilla'], ['gru', undefined]] as const) {
    for (const [k1, k2] of [[4, 2], [4, 4], [4, 7]] as const) {
      const c = makeCase({ cell, variant, T: 10, B: 2, seed: next() }, `${cell}${variant ? `:${variant}` : ''} TBPTT k1=${k1} k2=${k2} T=10`);
      c.bptt = { k1, k2 };
      tbptt.push(c);
    }
  }

  {
    // The last chunk [8, 10) carries no loss (masked out): the gradient and the profile are those of the last
    // chunk that did, [4, 8), over its window [2, 8).
    const c = makeCase({ cell: 'lstm', variant: 'cifg', T: 10, B: 2, seed: next() }, 'lstm:cifg TBPTT k1=4 k2=6 T=10, last chunk without loss');
    c.bptt = { k1: 4, k2: 6 };
    c.batch.mask = new Float32Array(c.batch.T * c.batch.B).map((_, i) => (Math.floor(i / c.batch.B) < 8 ? 1 : 0));
    tbptt.push(c);
    const d = makeCase({ cell: 'rnn_tanh', T: 10, B: 2, seed: next() }, 'rnn_tanh TBPTT k1=3 k2=3 T=10, no step scored at all');
    d.bptt = { k1: 3, k2: 3 };
    d.batch.mask = new Float32Array(d.batch.T * d.batch.B);
    tbptt.push(d);
  }

  const long: OracleCase[] = [];
  {
    // tanh RNN, σ_max(W_hh) = 0.35: every step back multiplies ‖∂L/∂h‖ by at most 0.35 (γ = 1).
    const c = makeCase({ cell: 'rnn_tanh', T: 70, B: 2, X: 2, H: 4, lossSteps: 'last', seed: next() }, 'rnn_tanh σ_max=0.35 T=70 loss on the last step');
    rescaleRecurrent(c.params, c.spec, 0.35);
    c.minOrders = 30;
    long.push(c);
    const d = makeCase({ cell: 'rnn_tanh', layers: 2, T: 60, B: 2, X: 2, H: 4, lossSteps: 'last', seed: next() }, 'rnn_tanh 2 layers σ_max=0.3 T=60 loss on the last step');
    rescaleRecurrent(d.params, d.spec, 0.3);
    d.minOrders = 30;
    long.push(d);
    // LSTM with a strongly negative forget bias: f ≈ σ(−4) ≈ 0.018, so the carousel forgets ~1.7 orders per step.
    const e = makeCase({ cell: 'lstm', T: 80, B: 2, X: 2, H: 4, lossSteps: 'last', seed: next() }, 'lstm forget bias −4, σ_max=0.5, T=80 loss on the last step');
    setForgetBias(e, -4);
    rescaleRecurrent(e.params, e.spec, 0.5);
    e.minOrders = 30;
    long.push(e);
  }
  return { cells, variants, layers, edge, masks, tbptt, long };
}

/** LSTM: the forget rows (block 1 of i, f, g, o) of bias_ih set to `value` and of bias_hh to 0, every layer. */
function setForgetBias(c: OracleCase, value: number): void {
  const layout = paramLayout(c.spec);
  const H = c.spec.hiddenSize;
  for (let l = 0; l < c.spec.numLayers; l++) {
    const bih = findTensor(layout, 'bias_ih', l)!;
    const bhh = findTensor(layout, 'bias_hh', l)!;
    c.params.fill(value, bih.offset + H, bih.offset + 2 * H);
    c.params.fill(0, bhh.offset + H, bhh.offset + 2 * H);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The oracle

export function oracleJob(c: OracleCase): unknown {
  const { spec, params, batch } = c;
  const tensors: Record<string, { shape: number[]; data: number[] }> = {};
  for (const t of paramLayout(spec).tensors) tensors[t.name] = { shape: t.shape, data: Array.from(params.subarray(t.offset, t.offset + t.size)) };
  return {
    kind: 'grad',
    model: { cell: spec.cell, variant: spec.variant, inputSize: spec.inputSize, hiddenSize: spec.hiddenSize, outputSize: spec.outputSize, numLayers: spec.numLayers, esnLeak: spec.esn.leak },
    tensors,
    batch: {
      T: batch.T, B: batch.B, X: batch.X, x: Array.from(batch.x), loss: batch.loss, lossSteps: batch.lossSteps,
      y: batch.y ? Array.from(batch.y) : undefined,
      labels: batch.labels ? Array.from(batch.labels) : undefined,
      mask: batch.mask ? Array.from(batch.mask) : undefined,
    },
    bptt: c.bptt,
  };
}

/** Runs tests/python/oracle.py once over all jobs (one python process: its start-up is the slow part). */
export function runOracle<R = OracleAnswer>(jobs: unknown[]): R[] {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-oracle-'));
  try {
    const file = join(dir, 'jobs.json');
    writeFileSync(file, JSON.stringify(jobs));
    return JSON.parse(execFileSync(TORCH_PYTHON, [ORACLE_PY, file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Engines and the comparison

export function stepOptions(c: OracleCase): StepOptions {
  return { ...gradOnly, bptt: c.bptt ? { mode: 'truncated', ...c.bptt } : { mode: 'full' } };
}

/** One gradient step of the engine (already init'ed on c.spec, c.params): no update, gradients wanted. */
export function engineStep(engine: Engine, c: OracleCase): Promise<StepResult> {
  return engine.step(c.batch, stepOptions(c), true);
}

/** The engine-comparable view of the oracle: the overall loss, the last chunk's gradient, the profiles of every step. */
export interface Expected {
  loss: number;
  grads: Record<string, number[]>;
  gradNorm: number | null; // full BPTT only (one chunk)
  dh: number[][];
  dc: number[][] | null;
}

/**
 * The oracle as the engine contract reports it (src/engine/engine.ts StepResult): the loss is the mean over every
 * scored step of the batch; the gradient and the profiles are those of the last chunk that carried loss (over its
 * backward window, 0 outside; all zero when no chunk did). gradNorm is compared for full BPTT only.
 */
export function expected(answer: OracleAnswer): Expected {
  const chunks = answer.chunks;
  let sum = 0;
  let count = 0;
  for (const ch of chunks) {
    sum += ch.loss * ch.count;
    count += ch.count;
  }
  const scored = chunks.filter((ch) => ch.count > 0);
  const last = scored.length ? scored[scored.length - 1] : null;
  const zeros = (p: number[][]) => p.map((r) => r.map(() => 0));
  const ref = chunks[0];
  const grads = last ? last.grads : Object.fromEntries(Object.entries(ref.grads).map(([k, v]) => [k, v.map(() => 0)]));
  let sq = 0;
  for (const g of Object.values(grads)) for (const v of g) sq += v * v;
  return {
    loss: count > 0 ? sum / count : 0,
    grads,
    gradNorm: chunks.length === 1 ? Math.sqrt(sq) : null,
    dh: last ? last.dh : zeros(ref.dh),
    dc: ref.dc ? (last ? last.dc : zeros(ref.dc)) : null,
  };
}

/** Relative tolerance per range of the reference value: the first tier whose `min` the value reaches applies. */
export interface ProfileTier {
  min: number;
  rel: number;
}

export interface Tolerance {
  value: number; // loss, gradient norm, every gradient block (relative)
  /** Profile tiers, largest `min` first. A reference value below the last tier's `min` only has to read < 2·min. */
  profile: ProfileTier[];
}

export interface Worst {
  loss: number;
  grads: number;
  dh: number;
  dc: number;
}

export function emptyWorst(): Worst {
  return { loss: 0, grads: 0, dh: 0, dc: 0 };
}

/** "loss 8.1e-16, grads 7.2e-15, dhNorm …, dcNorm …": the worst relative errors, for the suites' summary line. */
export function formatWorst(w: Worst): string {
  return `loss ${w.loss.toExponential(1)}, grads ${w.grads.toExponential(1)}, dhNorm ${w.dh.toExponential(1)}, dcNorm ${w.dc.toExponential(1)}`;
}

export function mergeWorst(into: Worst, w: Worst): void {
  into.loss = Math.max(into.loss, w.loss);
  into.grads = Math.max(into.grads, w.grads);
  into.dh = Math.max(into.dh, w.dh);
  into.dc = Math.max(into.dc, w.dc);
}

/** ‖a − b‖ / ‖b‖; 0 when both are all zero, Infinity when only b is. */
function relNorm(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let d = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const x = Number(a[i]);
    d += (x - b[i]) ** 2;
    n += b[i] ** 2;
  }
  if (n === 0) return d === 0 ? 0 : Infinity;
  return Math.sqrt(d / n);
}

/**
 * Every mismatch between an engine's step and the oracle, named (empty when they agree), and the worst relative
 * errors seen. Gradients are compared per gate block of every tensor (rows of a removed gate must be exactly 0,
 * like the oracle's); profiles per step and layer.
 */
export function compareWithOracle(c: OracleCase, got: StepResult, want: Expected, tol: Tolerance): { problems: string[]; worst: Worst } {
  const problems: string[] = [];
  const worst = emptyWorst();
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

  const lossErr = rel(got.loss, want.loss);
  worst.loss = lossErr;
  if (!(lossErr <= tol.value)) problems.push(`loss: engine ${got.loss} vs torch ${want.loss} (rel ${lossErr.toExponential(2)})`);
  if (want.gradNorm !== null) {
    const e = rel(got.gradNorm, want.gradNorm);
    if (!(e <= tol.value)) problems.push(`gradNorm: engine ${got.gradNorm} vs torch ${want.gradNorm} (rel ${e.toExponential(2)})`);
  }

  if (!got.grads) problems.push('the engine returned no gradient');
  else {
    const G = gateCount(c.spec.cell);
    for (const t of paramLayout(c.spec).tensors) {
      const ref = want.grads[t.name];
      if (!ref || ref.length !== t.size) {
        problems.push(`${t.name}: torch returned ${ref ? ref.length : 'no'} numbers, expected ${t.size}`);
        continue;
      }
      const mine = got.grads.subarray(t.offset, t.offset + t.size);
      // Row blocks: the G gates of the stacked tensors, the 3 rows of the peepholes, the 3 target gates of W_gg.
      const blocks = t.role === 'head_weight' || t.role === 'head_bias' ? 1 : t.role === 'peephole' || t.role === 'weight_gg' ? 3 : G;
      const per = t.size / blocks;
      for (let k = 0; k < blocks; k++) {
        const e = relNorm(mine, ref, k * per, (k + 1) * per);
        worst.grads = Math.max(worst.grads, e);
        if (!(e <= tol.value)) {
          const where = blocks > 1 ? ` block ${k}/${blocks} (rows ${k * (t.shape[0] / blocks)}..${(k + 1) * (t.shape[0] / blocks) - 1})` : '';
          problems.push(`${t.name}${where}: rel ${e === Infinity ? 'inf (torch: exactly 0)' : e.toExponential(2)}`);
        }
      }
    }
  }

  const profile = (name: 'dh' | 'dc', mine: Float64Array[] | undefined, ref: number[][] | null) => {
    if (!ref) {
      if (mine && name === 'dc') problems.push('dcNorm present for a cell without a cell state');
      return;
    }
    if (!mine || mine.length !== ref.length) {
      problems.push(`${name}Norm: engine has ${mine ? mine.length : 'no'} layers, torch ${ref.length}`);
      return;
    }
    ref.forEach((r, l) => {
      const bad: string[] = [];
      for (let t = 0; t < r.length; t++) {
        const a = mine[l][t];
        const b = r[t];
        const tier = tol.profile.find((p) => b >= p.min && b > 0);
        let ok: boolean;
        if (b === 0) ok = a === 0;
        else if (tier) {
          const e = rel(a, b);
          worst[name] = Math.max(worst[name], e);
          ok = e <= tier.rel;
        } else ok = a >= 0 && a < 2 * tol.profile[tol.profile.length - 1].min; // below the floor: ~0, never garbage
        if (!ok) bad.push(`t=${t}: ${a.toExponential(4)} vs ${b.toExponential(4)}`);
      }
      if (bad.length) problems.push(`${name}Norm layer ${l}: ${bad.length} of ${r.length} steps differ (${bad.slice(0, 4).join('; ')}${bad.length > 4 ? '; …' : ''})`);
    });
  };
  profile('dh', got.dhNorm, want.dh);
  profile('dc', got.dcNorm, want.dc);
  return { problems, worst };
}

/** Orders of magnitude the profile spans (log10 max/min over its nonzero entries). */
export function ordersSpanned(p: number[]): number {
  const nz = p.filter((v) => v > 0);
  if (nz.length === 0) return 0;
  return Math.log10(Math.max(...nz) / Math.min(...nz));
}
