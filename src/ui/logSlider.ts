// The W_rec slider is linear in log10 of the scale: equal travel for ×10 anywhere on the range,
// so 0.1–1 (vanishing) and 1–10 (exploding) each get half the track and the threshold 1 sits in the middle.

export const WREC_MIN = 0.1;
export const WREC_MAX = 10;
/** Slider positions: integers 0..WREC_POSITIONS, fine enough for a 1% change per notch. */
export const WREC_POSITIONS = 400;

export function positionOfScale(scale: number, min = WREC_MIN, max = WREC_MAX, positions = WREC_POSITIONS): number {
  if (!(scale > 0) || !Number.isFinite(scale)) return 0;
  const f = (Math.log10(scale) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
  return Math.round(Math.min(1, Math.max(0, f)) * positions);
}

/** The scale for a slider position, rounded to 3 significant digits so the URL stays readable. */
export function scaleOfPosition(position: number, min = WREC_MIN, max = WREC_MAX, positions = WREC_POSITIONS): number {
  const f = Math.min(1, Math.max(0, position / positions));
  const v = 10 ** (Math.log10(min) + f * (Math.log10(max) - Math.log10(min)));
  return Number(v.toPrecision(3));
}

/** Where a value sits along the track, in [0, 1] (for marking the threshold 1/γ). */
export function trackFraction(value: number, min = WREC_MIN, max = WREC_MAX): number {
  return Math.min(1, Math.max(0, (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))));
}
