// Gradient clipping over the trainable part of a flat gradient (Pascanu et al. 2013 clip by global norm).
import type { ParamLayout } from './spec';

export interface ClipResult {
  norm: number; // global L2 norm before clipping
  factor: number; // ‖clipped‖ / ‖raw‖ (1 = untouched)
}

export function gradientNorm(grads: ArrayLike<number>, layout: ParamLayout): number {
  let s = 0;
  for (const t of layout.tensors) {
    if (!t.trainable) continue;
    for (let i = t.offset; i < t.offset + t.size; i++) s += grads[i] * grads[i];
  }
  return Math.sqrt(s);
}

/** Clips in place. norm: g ← g·min(1, θ/‖g‖). value: each element clamped to [−θ, θ]. */
export function clipGradients(grads: Float64Array, layout: ParamLayout, mode: 'none' | 'norm' | 'value', threshold: number): ClipResult {
  const norm = gradientNorm(grads, layout);
  if (mode === 'none' || !Number.isFinite(norm) || norm === 0) return { norm, factor: 1 };
  if (mode === 'norm') {
    if (norm <= threshold) return { norm, factor: 1 };
    const factor = threshold / norm;
    for (const t of layout.tensors) if (t.trainable) for (let i = t.offset; i < t.offset + t.size; i++) grads[i] *= factor;
    return { norm, factor };
  }
  for (const t of layout.tensors) {
    if (!t.trainable) continue;
    for (let i = t.offset; i < t.offset + t.size; i++) grads[i] = Math.min(threshold, Math.max(-threshold, grads[i]));
  }
  return { norm, factor: gradientNorm(grads, layout) / norm };
}
