// Clipping and the optimiser update over the flat parameter buffer, one thread per element (grid-stride).
// Reads the chunk's clip factor and finiteness from `metrics` and Adam's t from `counter`, all computed on the
// GPU by finalize.wgsl. The clipped gradient is written back (it is what the engine reports as the gradient).
//   sgd:      p −= lr·g
//   momentum: buf = μ·buf + g;  p −= lr·buf
//   rmsprop:  sq = α·sq + (1 − α)·g²;  p −= lr·g / (√sq + ε)
//   adam:     m = β₁m + (1 − β₁)g;  v = β₂v + (1 − β₂)g²;  p −= lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)

struct Params {
  P: u32,
  nwg: u32,
  chunk: u32,
  kind: u32,
  clipMode: u32,
  doUpdate: u32,
  lr: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  alpha: f32,
  eps: f32,
  threshold: f32,
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>;
@group(0) @binding(3) var<storage, read_write> slot0: array<f32>;
@group(0) @binding(4) var<storage, read_write> slot1: array<f32>;
@group(0) @binding(5) var<storage, read> metrics: array<f32>;
@group(0) @binding(6) var<storage, read> counter: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32; // threads per workgroup

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rec = u.chunk * RECORD_FLOATS;
  let factor = metrics[rec + RECORD_CLIP_FACTOR];
  let finite = metrics[rec + RECORD_FINITE] != 0.0;
  let guarded = metrics[rec + RECORD_GUARDED] != 0.0; // finalize.wgsl: over the exploding-gradient guard
  let clipping = finite && metrics[rec + RECORD_GRAD_NORM_SQ] > 0.0;
  let step = counter[0];
  let c1 = 1.0 - pow(u.beta1, step);
  let c2 = 1.0 - pow(u.beta2, step);
  for (var i = wg.x * WG + lid; i < u.P; i += u.nwg * WG) {
    if ((flags[i] & TRAINABLE) == 0u) {
      continue;
    }
    var g = grads[i];
    if (clipping) {
      if (u.clipMode == CLIP_NORM) {
        g *= factor;
      } else if (u.clipMode == CLIP_VALUE) {
        g = clamp(g, -u.threshold, u.threshold);
      }
      grads[i] = g;
    }
    if (!finite || guarded || u.doUpdate == 0u) {
      continue;
    }
    if (u.kind == OPT_SGD) {
      params[i] -= u.lr * g;
    } else if (u.kind == OPT_MOMENTUM) {
      let buf = u.momentum * slot0[i] + g;
      slot0[i] = buf;
      params[i] -= u.lr * buf;
    } else if (u.kind == OPT_RMSPROP) {
      let sq = u.alpha * slot0[i] + (1.0 - u.alpha) * g * g;
      slot0[i] = sq;
      params[i] -= u.lr * g / (sqrt(sq) + u.eps);
    } else {
      let m = u.beta1 * slot0[i] + (1.0 - u.beta1) * g;
      let v = u.beta2 * slot1[i] + (1.0 - u.beta2) * g * g;
      slot0[i] = m;
      slot1[i] = v;
      params[i] -= u.lr * (m / c1) / (sqrt(v / c2) + u.eps);
    }
  }
}
