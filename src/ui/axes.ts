// Axis ticks and value→pixel mapping for the hand-drawn SVG charts (log and linear).
// Non-finite and out-of-range values are not dropped: they are pinned to the plot edge and flagged,
// so a blow-up is drawn as a clear cap marker instead of a gap or garbage.
import { formatTicks } from './format';

export interface Tick {
  value: number;
  label: string;
}

/** Superscript digits for 10ⁿ labels. */
const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

export function powerOfTenLabel(exponent: number): string {
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return '10' + String(exponent).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');
}

/** Decade strides for labelling long log axes: 10⁻⁴⁰, 10⁻³⁵, … reads better than 10⁻⁴¹, 10⁻³⁵, …. */
const DECADE_STRIDES = [1, 2, 3, 5, 10, 20, 50, 100];

/**
 * Ticks at powers of ten covering [min, max] (both > 0). When the range spans many decades only the
 * exponents that are multiples of a round stride are labelled, so at most `maxTicks` remain.
 */
export function logTicks(min: number, max: number, maxTicks = 6): Tick[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const needed = Math.max(1, Math.ceil((hi - lo + 1) / Math.max(1, maxTicks)));
  const every = DECADE_STRIDES.find((s) => s >= needed) ?? needed;
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e++) {
    if (((e % every) + every) % every !== 0) continue;
    ticks.push({ value: Number(`1e${e}`), label: powerOfTenLabel(e) }); // exact, unlike 10 ** e
  }
  return ticks;
}

/** A "nice" step (1, 2 or 5 × 10ⁿ) so about `count` ticks cover the span. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

export function linearTicks(min: number, max: number, count = 5): Tick[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  const values: number[] = [];
  if (min === max) values.push(min);
  else {
    const step = niceStep(max - min, count);
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return withLabels(values);
}

/** Ticks at the given values, labelled in one notation for the whole axis. */
export function withLabels(values: readonly number[]): Tick[] {
  const labels = formatTicks(values);
  return values.map((value, i) => ({ value, label: labels[i] }));
}

export type Placement = 'in' | 'above' | 'below' | 'nonfinite';

export interface Projected {
  px: number; // pixel coordinate, clamped into [0, length]
  placement: Placement; // where the value lay relative to the domain
}

/**
 * Maps a value into a pixel range of `length` (0 = bottom of the domain; callers flip for SVG y).
 * Log scales treat values ≤ 0 as below the domain.
 */
export function project(value: number, domain: [number, number], length: number, log: boolean): Projected {
  if (Number.isNaN(value)) return { px: length, placement: 'nonfinite' };
  if (value === Infinity) return { px: length, placement: 'nonfinite' };
  if (value === -Infinity) return { px: 0, placement: 'nonfinite' };
  const [d0, d1] = domain;
  if (log && value <= 0) return { px: 0, placement: 'below' };
  const f = log ? (Math.log10(value) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0)) : (value - d0) / (d1 - d0);
  if (!Number.isFinite(f)) return { px: 0, placement: 'in' };
  if (f > 1) return { px: length, placement: 'above' };
  if (f < 0) return { px: 0, placement: 'below' };
  return { px: f * length, placement: 'in' };
}

/**
 * A domain that covers the finite values of the given series (positive ones for a log axis), padded
 * to whole decades on a log axis. Falls back to [fallback] when nothing is finite.
 */
export function domainOf(values: Iterable<number>, log: boolean, fallback: [number, number] = log ? [1e-3, 1] : [0, 1]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return fallback;
  if (log) {
    const a = 10 ** Math.floor(Math.log10(lo) + 1e-9);
    let b = 10 ** Math.ceil(Math.log10(hi) - 1e-9);
    if (b <= a) b = a * 10;
    return [a, b];
  }
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}
