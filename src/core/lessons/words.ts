// Numbers in a verdict's sentence: short, and the same everywhere.

/** 0.0123 → "0.012", 2.9e6 → "2.9e6", 36 → "36". */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return x.toExponential(1).replace('e+', 'e');
  return Number(x.toPrecision(2)).toString();
}

/** How a lower-is-better metric stands against chance: "×14 below chance (0.167)". */
export function againstChance(value: number, chance: number, baseline = 'chance'): string {
  if (!(chance > 0) || !Number.isFinite(value)) return `${baseline} ${num(chance)}`;
  const ratio = chance / value;
  if (ratio >= 1.25) return `×${num(ratio)} below ${baseline} (${num(chance)})`;
  if (ratio > 0.8) return `at ${baseline} (${num(chance)})`;
  return `×${num(1 / ratio)} worse than ${baseline} (${num(chance)})`;
}
