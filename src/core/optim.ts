// Optimisers with PyTorch's update rules, over the trainable tensors of the flat parameter array.
import type { ParamLayout } from './spec';

export type OptimizerKind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

export interface OptimizerOptions {
  kind: OptimizerKind;
  lr: number;
  momentum: number; // momentum (PyTorch SGD semantics: buf = μ·buf + g; p −= lr·buf)
  beta1: number; // Adam
  beta2: number; // Adam
  alpha: number; // RMSProp smoothing (PyTorch default 0.99)
  eps: number;
}

/** Number of per-parameter state slots each optimiser keeps. */
export function slotCount(kind: OptimizerOptions['kind']): number {
  return kind === 'sgd' ? 0 : kind === 'adam' ? 2 : 1;
}

/**
 * One update. `step` is the 1-based update count (Adam's bias correction).
 *   sgd:      p −= lr·g
 *   momentum: buf = μ·buf + g;  p −= lr·buf
 *   rmsprop:  sq = α·sq + (1 − α)·g²;  p −= lr·g / (√sq + ε)
 *   adam:     m = β₁m + (1 − β₁)g;  v = β₂v + (1 − β₂)g²;  p −= lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 */
export function applyUpdate(params: Float64Array, grads: Float64Array, slots: Float64Array[], step: number, opt: OptimizerOptions, layout: ParamLayout): void {
  const { lr } = opt;
  for (const t of layout.tensors) {
    if (!t.trainable) continue;
    const end = t.offset + t.size;
    switch (opt.kind) {
      case 'sgd':
        for (let i = t.offset; i < end; i++) params[i] -= lr * grads[i];
        break;
      case 'momentum': {
        const buf = slots[0];
        for (let i = t.offset; i < end; i++) {
          buf[i] = opt.momentum * buf[i] + grads[i];
          params[i] -= lr * buf[i];
        }
        break;
      }
      case 'rmsprop': {
        const sq = slots[0];
        for (let i = t.offset; i < end; i++) {
          sq[i] = opt.alpha * sq[i] + (1 - opt.alpha) * grads[i] * grads[i];
          params[i] -= (lr * grads[i]) / (Math.sqrt(sq[i]) + opt.eps);
        }
        break;
      }
      case 'adam': {
        const [m, v] = slots;
        const c1 = 1 - Math.pow(opt.beta1, step);
        const c2 = 1 - Math.pow(opt.beta2, step);
        for (let i = t.offset; i < end; i++) {
          m[i] = opt.beta1 * m[i] + (1 - opt.beta1) * grads[i];
          v[i] = opt.beta2 * v[i] + (1 - opt.beta2) * grads[i] * grads[i];
          params[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + opt.eps);
        }
        break;
      }
    }
  }
}
