// Reading a gradient-flow profile: how fast ‖∂L/∂h_t‖ shrinks or grows as the error travels back in time.

export interface FlowSummary {
  /** Least-squares slope of log10‖∂L/∂h_t‖ against t (decades per step); NaN when undefined. */
  slope: number;
  /** Average factor by which the norm changes per step back in time: 10^(−slope). */
  factorPerStepBack: number;
  /** Ratio ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ in decades (log10), i.e. how much reaches the first step. */
  decadesAcross: number;
  verdict: 'vanishing' | 'exploding' | 'stable' | 'overflow' | 'unknown';
  nonFinite: number; // how many t had NaN/Inf
  zeros: number; // how many t had exactly zero gradient (saturated units pass nothing back)
}

/** Below this many decades per step the profile counts as flat ("stable"). */
const STABLE_SLOPE = 0.005;

/**
 * Fits log10‖∂L/∂h_t‖ = a + slope·t over the finite, positive norms. Losses at the last step make
 * the norm rise towards T when gradients vanish (positive slope) and fall towards T when they explode.
 */
export function summarizeFlow(dh: ArrayLike<number>): FlowSummary {
  let n = 0;
  let sumT = 0;
  let sumY = 0;
  let sumTT = 0;
  let sumTY = 0;
  let nonFinite = 0;
  let zeros = 0;
  let first = NaN;
  let last = NaN;
  for (let t = 0; t < dh.length; t++) {
    const v = dh[t];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v <= 0) {
      zeros++;
      continue;
    }
    const y = Math.log10(v);
    if (Number.isNaN(first)) first = y;
    last = y;
    n++;
    sumT += t;
    sumY += y;
    sumTT += t * t;
    sumTY += t * y;
  }
  const denom = n * sumTT - sumT * sumT;
  const slope = n >= 2 && denom !== 0 ? (n * sumTY - sumT * sumY) / denom : NaN;
  let verdict: FlowSummary['verdict'];
  if (nonFinite > 0) verdict = 'overflow';
  else if (Number.isNaN(slope)) verdict = zeros > 0 ? 'vanishing' : 'unknown'; // exactly zero: vanished entirely
  else if (slope > STABLE_SLOPE) verdict = 'vanishing';
  else if (slope < -STABLE_SLOPE) verdict = 'exploding';
  else verdict = 'stable';
  return { slope, factorPerStepBack: 10 ** -slope, decadesAcross: first - last, verdict, nonFinite, zeros };
}
