// The L2 penalty λ/2·‖W‖² over the trainable weight matrices (biases and peepholes excluded).
// Pascanu's Ω lives with the layer backward in model.ts, where ∂L/∂h_t is at hand.
import type { ParamLayout } from './spec';

const MATRICES = new Set(['weight_ih', 'weight_hh', 'weight_gg', 'head_weight']);

/** Adds λ·W into grads and returns λ/2·‖W‖². */
export function l2Penalty(params: Float64Array, grads: Float64Array, layout: ParamLayout, lambda: number): number {
  if (lambda === 0) return 0;
  let sum = 0;
  for (const t of layout.tensors) {
    if (!t.trainable || !MATRICES.has(t.role)) continue;
    for (let i = t.offset; i < t.offset + t.size; i++) {
      sum += params[i] * params[i];
      grads[i] += lambda * params[i];
    }
  }
  return 0.5 * lambda * sum;
}
