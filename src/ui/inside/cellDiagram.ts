// Pure value extraction for the cell diagram: the gates, states and flows of ONE unit of one layer, per time
// step, from a forward pass (ForwardResult), plus the colours the diagram paints them with.
import { interpolateBlues, interpolatePuOr } from 'd3-scale-chromatic';
import { gateCount, lstmFlags, type LstmVariant } from '../../core/spec';
import { parseColor } from '../colormap';

/** One LSTM unit at step t (PyTorch gate order). */
export interface LstmStepValues {
  kind: 'lstm';
  t: number;
  i: number;
  f: number;
  g: number;
  o: number;
  cPrev: number; // c_{t−1}
  c: number; // c_t = f·c_{t−1} + i·g
  hPrev: number; // h_{t−1}
  h: number; // h_t = o·tanh(c_t)
  kept: number; // f·c_{t−1}: what the forget gate lets through the carousel
  written: number; // i·g: what the input gate writes
  squashed: number; // tanh(c_t) (c_t itself for NOAF)
}

/** One GRU unit at step t (PyTorch: h_t = (1 − z)·n + z·h_{t−1}). */
export interface GruStepValues {
  kind: 'gru';
  t: number;
  r: number;
  z: number;
  n: number;
  hPrev: number;
  h: number;
  kept: number; // z·h_{t−1}
  written: number; // (1 − z)·n
}

export type CellStepValues = LstmStepValues | GruStepValues;

export interface ForwardSlices {
  hidden: ArrayLike<number>[]; // per layer (T, B, H)
  cells?: ArrayLike<number>[]; // LSTM per layer (T, B, H)
  gates?: ArrayLike<number>[]; // per layer (T, B, G·H)
}

/** The cells this module can draw (their data flow is laid out by hand in CellDiagram.tsx). */
export type DrawnCell = 'lstm' | 'gru';

export function hasDiagram(cell: string): cell is DrawnCell {
  return cell === 'lstm' || cell === 'gru';
}

export interface CellPick {
  cell: DrawnCell;
  variant?: LstmVariant; // LSTM: only NOAF changes what is drawn (no tanh on c)
  T: number;
  B: number;
  H: number;
  layer?: number; // default 0
  b?: number; // batch row, default 0
  unit: number;
}

/** Per step t = 0..T−1, the chosen unit's values. The forward pass starts from a zero state. */
export function cellStepValues(fwd: ForwardSlices, pick: CellPick): CellStepValues[] {
  const { cell, T, B, H, unit } = pick;
  const layer = pick.layer ?? 0;
  const b = pick.b ?? 0;
  const G = gateCount(cell);
  const gates = fwd.gates?.[layer];
  const hidden = fwd.hidden[layer];
  if (!gates || !hidden) throw new Error(`the forward pass has no gates for layer ${layer}`);
  if (gates.length !== T * B * G * H) throw new Error(`gates have ${gates.length} values, expected T·B·G·H = ${T * B * G * H}`);
  if (!(unit >= 0 && unit < H)) throw new Error(`unit ${unit} is not in 0..${H - 1}`);
  if (!(b >= 0 && b < B)) throw new Error(`batch row ${b} is not in 0..${B - 1}`);
  const at = (t: number) => (t * B + b) * H + unit; // into (T, B, H)
  const gate = (t: number, k: number) => gates[(t * B + b) * G * H + k * H + unit];
  const out: CellStepValues[] = [];
  if (cell === 'lstm') {
    const cells = fwd.cells?.[layer];
    if (!cells) throw new Error(`the forward pass has no cell states for layer ${layer}`);
    const squash = lstmFlags(pick.variant ?? 'none').outputActivation;
    for (let t = 0; t < T; t++) {
      const [i, f, g, o] = [gate(t, 0), gate(t, 1), gate(t, 2), gate(t, 3)];
      const cPrev = t > 0 ? cells[at(t - 1)] : 0;
      const c = cells[at(t)];
      out.push({ kind: 'lstm', t, i, f, g, o, cPrev, c, hPrev: t > 0 ? hidden[at(t - 1)] : 0, h: hidden[at(t)], kept: f * cPrev, written: i * g, squashed: squash ? Math.tanh(c) : c });
    }
  } else {
    for (let t = 0; t < T; t++) {
      const [r, z, n] = [gate(t, 0), gate(t, 1), gate(t, 2)];
      const hPrev = t > 0 ? hidden[at(t - 1)] : 0;
      out.push({ kind: 'gru', t, r, z, n, hPrev, h: hidden[at(t)], kept: z * hPrev, written: (1 - z) * n });
    }
  }
  return out;
}

export interface Paint {
  fill: string; // CSS colour
  text: string; // near-black or white, whichever contrasts more with the fill
  /** A thin outline of the other colour around the glyphs where neither reaches WCAG AA (4.5:1) on the fill. */
  halo: string | null;
}

const DARK_TEXT = '#111111';
const LIGHT_TEXT = '#ffffff';
/** WCAG AA for normal-size text. */
export const TEXT_CONTRAST = 4.5;

/** WCAG 2 relative luminance of an sRGB colour. */
export function relativeLuminance(color: string): number {
  const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = parseColor(color);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function readableOn(fill: string): Omit<Paint, 'fill'> {
  const [dark, light] = [contrastRatio(DARK_TEXT, fill), contrastRatio(LIGHT_TEXT, fill)];
  const text = dark >= light ? DARK_TEXT : LIGHT_TEXT;
  // a mid-tone (a half-open gate's blue) reaches 4.4:1 at best with either: the halo gives the glyphs their own ground
  return { text, halo: Math.max(dark, light) >= TEXT_CONTRAST ? null : text === DARK_TEXT ? LIGHT_TEXT : DARK_TEXT };
}

/**
 * Gates in [0, 1] on a light-to-dark blue ramp (closed = pale, open = dark); signed values (states, the
 * candidate, flows) on purple (−) – white (0) – orange (+), squashed by tanh so an unbounded cell state still
 * maps. Both ramps are ColorBrewer's colour-blind-safe schemes. Non-finite values are grey.
 */
export function paintValue(value: number, range: 'unit' | 'signed'): Paint {
  if (!Number.isFinite(value)) return { fill: '#bdbdbd', ...readableOn('#bdbdbd') };
  const fill = range === 'unit' ? interpolateBlues(0.08 + 0.84 * Math.min(1, Math.max(0, value))) : interpolatePuOr(0.5 + 0.45 * Math.tanh(value));
  return { fill, ...readableOn(fill) };
}

/** A number for a small box: 2 decimals, a sign, no "-0.00". */
export function shortValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Math.abs(v) >= 100) return v.toExponential(0).replace('e+', 'e');
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s.replace('-', '−');
}
