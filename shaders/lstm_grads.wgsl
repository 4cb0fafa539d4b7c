// Gradients of the LSTM-only tensors, summed over the backprop window [t0, t1) and the batch, from the
// pre-activation gradients dG (T, B, 4H) saved by the backward kernel:
//   peepholes (3, H): dp_i = Σ dI_pre·c_{t−1}, dp_f = Σ dF_pre·c_{t−1}, dp_o = Σ dO_pre·c_t
//   FGR W_gg (3H, 3H): dW_gg[m][n] = Σ d[i,f,o]_pre,t[m] · [i,f,o]_{t−1}[n]
// The i, f, o blocks sit at columns 0, H, 3H of a gate row.

override H: u32 = 1u;
override WG: u32; // threads of the per-row entry point
override TILE: u32; // the per-element entry point's workgroup is TILE × TILE

struct Params {
  B: u32,
  t0: u32,
  t1: u32,
  outOff: u32, // the tensor's offset in the gradient buffer
}

@group(0) @binding(0) var<storage, read> dG: array<f32>; // (T, B, 4H)
@group(0) @binding(1) var<storage, read> cs: array<f32>; // (T+1, B, H)
@group(0) @binding(2) var<storage, read> acts: array<f32>; // (T+1, B, 4H)
@group(0) @binding(3) var<storage, read_write> grads: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

fn ifoColumn(k: u32) -> u32 {
  if (k >= 2u * H) {
    return k + H;
  }
  return k;
}

@compute @workgroup_size(WG)
fn peepholes(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x; // 0..3H: rows p_i, p_f, p_o
  if (k >= 3u * H) {
    return;
  }
  let j = k % H;
  let col = ifoColumn(k);
  var cSlot = 0u; // c_{t−1} lives in slot t; p_o looks at c_t in slot t+1
  if (k >= 2u * H) {
    cSlot = 1u;
  }
  var s = 0.0;
  for (var t = u.t0; t < u.t1; t++) {
    for (var b = 0u; b < u.B; b++) {
      s += dG[(t * u.B + b) * 4u * H + col] * cs[((t + cSlot) * u.B + b) * H + j];
    }
  }
  grads[u.outOff + k] = s;
}

@compute @workgroup_size(TILE, TILE)
fn gateRecurrence(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  let m = gid.y;
  if (m >= 3u * H || n >= 3u * H) {
    return;
  }
  let mc = ifoColumn(m);
  let nc = ifoColumn(n);
  var s = 0.0;
  for (var t = u.t0; t < u.t1; t++) {
    for (var b = 0u; b < u.B; b++) {
      // [i,f,o]_{t−1} is in acts slot t
      s += dG[(t * u.B + b) * 4u * H + mc] * acts[(t * u.B + b) * 4u * H + nc];
    }
  }
  grads[u.outOff + m * 3u * H + n] = s;
}
