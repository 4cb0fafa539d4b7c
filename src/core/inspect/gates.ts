// Gate statistics: how the gate activations of one layer are distributed over time, batch and units,
// and how many of them are saturated. A sigmoid gate near 0 or 1 is a switch (closed/open); a gate that
// sits there for every input has stopped carrying gradient (σ′ = σ(1 − σ) ≈ 0).
// Input: ForwardResult.gates[layer], (T, B, G·H) in the cell's gate order (LSTM i,f,g,o; GRU r,z,n).
import { cellInfo, type CellKind, type GateBlock, type LstmVariant } from '../spec';

/** A cell with gates to look inside (more than one block in its rows): LSTM, GRU, MGU. */
export type GatedCell = CellKind;

export type GateInfo = GateBlock;

/** The cell's gate blocks in row order (the registry's `blocks`). */
export function gatesOf(cell: GatedCell): GateInfo[] {
  return [...cellInfo(cell).blocks];
}

/**
 * Gates a Greff et al. variant holds fixed or derives, with the reason, so a view can say why a
 * histogram is a single spike: NIG i ≡ 1, NFG f ≡ 1, NOG o ≡ 1, CIFG f = 1 − i, NIAF g unsquashed.
 */
export function gateNotes(cell: GatedCell, variant: LstmVariant): Record<string, string> {
  if (!cellInfo(cell).lstmVariants) return {};
  switch (variant) {
    case 'nig': return { i: 'no input gate: i ≡ 1' };
    case 'nfg': return { f: 'no forget gate: f ≡ 1' };
    case 'nog': return { o: 'no output gate: o ≡ 1' };
    case 'cifg': return { f: 'coupled: f = 1 − i' };
    case 'niaf': return { g: 'no input activation: g is the raw pre-activation (values outside ±1 fall in the end bins)' };
    default: return {};
  }
}

/** Sigmoid gates: below this a gate counts as closed, above 1 − this as open. */
export const SATURATION_LOW = 0.1;
export const SATURATION_HIGH = 0.9;

export interface GateHistogram {
  gate: GateInfo;
  lo: number; // range of the bins
  hi: number;
  counts: Uint32Array; // (bins) values in [lo + k·w, lo + (k+1)·w); values outside the range go to the end bins
  total: number; // values counted (T·B·H, minus non-finite ones)
  nonFinite: number; // NaN or ±Inf values (not in any bin)
  mean: number;
  /** Fraction of values below the low threshold (sigmoid: < 0.1; tanh: < −0.9). */
  lowFraction: number;
  /** Fraction above the high threshold (sigmoid: > 0.9; tanh: > 0.9). */
  highFraction: number;
  /** Per time step t, the fraction of this gate's B·H values that are saturated (low or high): (T). */
  saturationByStep: Float64Array;
}

export interface GateStatsInput {
  cell: GatedCell;
  gates: ArrayLike<number>; // (T, B, G·H)
  T: number;
  B: number;
  H: number;
  bins?: number; // default 20
  /** Restrict to these units (indices into H); default all. */
  units?: number[];
}

function thresholds(activation: GateInfo['activation']): [number, number] {
  return activation === 'sigmoid' ? [SATURATION_LOW, SATURATION_HIGH] : [-SATURATION_HIGH, SATURATION_HIGH];
}

/** One histogram per gate of a layer, pooled over time, batch and the chosen units. */
export function gateStatistics(input: GateStatsInput): GateHistogram[] {
  const { cell, gates, T, B, H } = input;
  const bins = input.bins ?? 20;
  const infos = gatesOf(cell);
  const G = infos.length;
  if (gates.length !== T * B * G * H) throw new Error(`gate array has ${gates.length} values, expected T·B·G·H = ${T * B * G * H}`);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`bins must be a whole number ≥ 1, got ${bins}`);
  const units = input.units ?? Array.from({ length: H }, (_, j) => j);
  for (const j of units) if (!(Number.isInteger(j) && j >= 0 && j < H)) throw new Error(`unit ${j} is not in 0..${H - 1}`);

  return infos.map((gate, k) => {
    const [lo, hi] = gate.activation === 'sigmoid' ? [0, 1] : [-1, 1];
    const [low, high] = thresholds(gate.activation);
    const width = (hi - lo) / bins;
    const counts = new Uint32Array(bins);
    const saturationByStep = new Float64Array(T);
    let total = 0;
    let nonFinite = 0;
    let sum = 0;
    let lowCount = 0;
    let highCount = 0;
    for (let t = 0; t < T; t++) {
      let saturatedHere = 0;
      let countedHere = 0;
      for (let b = 0; b < B; b++) {
        const row = (t * B + b) * G * H + k * H;
        for (const j of units) {
          const v = gates[row + j];
          if (!Number.isFinite(v)) {
            nonFinite++;
            continue;
          }
          const bin = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
          counts[bin]++;
          total++;
          countedHere++;
          sum += v;
          if (v < low) {
            lowCount++;
            saturatedHere++;
          } else if (v > high) {
            highCount++;
            saturatedHere++;
          }
        }
      }
      saturationByStep[t] = countedHere > 0 ? saturatedHere / countedHere : 0;
    }
    return {
      gate,
      lo,
      hi,
      counts,
      total,
      nonFinite,
      mean: total > 0 ? sum / total : NaN,
      lowFraction: total > 0 ? lowCount / total : 0,
      highFraction: total > 0 ? highCount / total : 0,
      saturationByStep,
    };
  });
}
