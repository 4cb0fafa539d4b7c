// Colour mapping for the gradient heatmap: log10 of ‖∂L/∂h_t‖ through a perceptual, colour-blind-safe
// map (viridis from d3-scale-chromatic), precomputed into a lookup table so painting a column is cheap.
import { interpolateViridis } from 'd3-scale-chromatic';

export type Rgb = [number, number, number];

/** The colour used for NaN/±Inf cells: white, outside viridis (which ends in yellow), named in the legend. */
export const NONFINITE_RGB: Rgb = [255, 255, 255];

/** Parses "#rrggbb" or "rgb(r, g, b)" (the two forms d3 interpolators return). */
export function parseColor(color: string): Rgb {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new Error(`cannot parse colour "${color}"`);
}

/** n colours sampled evenly from an interpolator, flattened RGB: (n, 3). */
export function buildLut(interpolate: (t: number) => string = interpolateViridis, n = 256): Uint8Array {
  const lut = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) lut.set(parseColor(interpolate(i / (n - 1))), i * 3);
  return lut;
}

/** Position in [0, 1] of a norm on a log10 colour range [lo, hi] (exponents); null when not finite. */
export function colorPosition(norm: number, lo: number, hi: number): number | null {
  if (!Number.isFinite(norm)) return null;
  if (norm <= 0) return 0;
  const f = (Math.log10(norm) - lo) / (hi - lo || 1);
  return Math.min(1, Math.max(0, f));
}

export function colorOf(norm: number, lo: number, hi: number, lut: Uint8Array): Rgb {
  const f = colorPosition(norm, lo, hi);
  if (f === null) return NONFINITE_RGB;
  const n = lut.length / 3;
  const i = Math.round(f * (n - 1)) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

/**
 * The log10 range [lo, hi] shared by all visible columns: the finite, positive norms' extremes, widened
 * to at least `minDecades` so a flat profile does not turn into noise.
 */
export function heatmapRange(columns: ArrayLike<number>[], minDecades = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const col of columns) {
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (!(v > 0) || !Number.isFinite(v)) continue;
      const e = Math.log10(v);
      if (e < lo) lo = e;
      if (e > hi) hi = e;
    }
  }
  if (lo === Infinity) return [-3, 0];
  if (hi - lo < minDecades) {
    const mid = (hi + lo) / 2;
    lo = mid - minDecades / 2;
    hi = mid + minDecades / 2;
  }
  return [lo, hi];
}

/** The heatmap's colour range over a run (log10 exponents) and the newest step it has seen. */
export interface RunColorRange {
  lo: number;
  hi: number;
  newestStep: number;
}

/**
 * The colour range only ever widens while a run goes on, so a column keeps its colour once drawn (columns that
 * scroll out of the history do not narrow it). Charts emptied (a reset or a rebuilt model) or a newest step
 * earlier than the last seen (a rewind) start afresh from the columns shown. Returns `prev` itself when nothing
 * changed, so a component can keep it in state.
 */
export function growColorRange(prev: RunColorRange | null, columns: ArrayLike<number>[], steps: readonly number[]): RunColorRange | null {
  if (!columns.length || !steps.length) return null;
  const newestStep = steps[steps.length - 1];
  const [lo, hi] = heatmapRange(columns);
  if (!prev || newestStep < prev.newestStep) return { lo, hi, newestStep };
  if (lo >= prev.lo && hi <= prev.hi && newestStep === prev.newestStep) return prev;
  return { lo: Math.min(lo, prev.lo), hi: Math.max(hi, prev.hi), newestStep };
}

/**
 * Paints columns (training steps, oldest first) × rows (t, with t = 0 at the top) into RGBA pixels of a
 * width × height image; each column is one pixel wide, each t one pixel tall: (height, width, 4).
 */
export function paintHeatmap(columns: ArrayLike<number>[], T: number, lo: number, hi: number, lut: Uint8Array): Uint8ClampedArray {
  const width = columns.length;
  const pixels = new Uint8ClampedArray(width * T * 4);
  for (let x = 0; x < width; x++) {
    const col = columns[x];
    for (let t = 0; t < T; t++) {
      const [r, g, b] = t < col.length ? colorOf(col[t], lo, hi, lut) : [0, 0, 0];
      const o = (t * width + x) * 4;
      pixels[o] = r;
      pixels[o + 1] = g;
      pixels[o + 2] = b;
      pixels[o + 3] = t < col.length ? 255 : 0;
    }
  }
  return pixels;
}
