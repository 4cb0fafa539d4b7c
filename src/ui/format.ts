// Number formatting for labels that a class reads from across a room: few digits, no jitter.

/** A compact number: 3 significant digits, exponent form outside [1e-3, 1e5), words for non-finite. */
export function formatValue(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** Step counts with thin-space thousands separators: 12 345. */
export function formatSteps(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** Steps per second, rounded to what the eye can use. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '0';
  if (stepsPerSecond >= 100) return String(Math.round(stepsPerSecond));
  if (stepsPerSecond >= 10) return stepsPerSecond.toFixed(1);
  return stepsPerSecond.toFixed(2);
}

/** "×0.62 per step back" style factor. */
export function formatFactor(f: number): string {
  if (!Number.isFinite(f)) return formatValue(f);
  return '×' + (f >= 10 || f < 0.01 ? f.toExponential(1).replace('e+', 'e') : f.toFixed(2));
}

/** Plain numbers read well between these magnitudes; outside them an axis switches to exponent form. */
const PLAIN_MIN = 1e-3;
const PLAIN_MAX = 1e5;

/**
 * Labels for one axis's ticks in one notation, chosen from the whole set: every label in exponent form when
 * any tick needs it ("1e-4, 1e-3, 1e-2", never "1.0e-4, 0.001"), else every label plain. Exponent labels share
 * the fewest mantissa digits that still say every tick's value.
 */
export function formatTicks(values: readonly number[], digits = 3): string[] {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const scientific = finite.some((a) => a < PLAIN_MIN || a >= PLAIN_MAX);
  const special = (v: number) => (v === 0 ? '0' : Number.isFinite(v) ? null : formatValue(v));
  if (!scientific) return values.map((v) => special(v) ?? String(Number(v.toPrecision(digits))));
  for (let mantissa = 0; mantissa < digits; mantissa++) {
    const labels = values.map((v) => special(v) ?? v.toExponential(mantissa).replace('e+', 'e'));
    if (labels.every((l, i) => !Number.isFinite(values[i]) || Math.abs(Number(l) - values[i]) <= Math.abs(values[i]) * 1e-9)) return labels;
  }
  return values.map((v) => special(v) ?? v.toExponential(digits - 1).replace('e+', 'e'));
}
