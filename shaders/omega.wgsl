// Pascanu et al.'s Ω regulariser on an Elman layer over the window's transitions t in (w0, t1):
//   Ω = Σ_t mean_b (‖v_t‖ / ‖∂L/∂h_t‖ − 1)²,  v_t = dpre_t · W_hh (saved by the backward kernel in omegaV)
// with ∂L/∂h_t and the activations held constant, so ∂Ω/∂W[i][j] = mean_b Σ_t 2(ratio − 1)/‖dh‖ · dpre_i · v_j/‖v‖.
// `coefficients`: one thread per (t, b): the weighted term and the gradient coefficient (0 outside the window).
// `gradient`: one thread per (i, j) of W_hh: adds Σ_(t,b) coef · dpre_i · v_j into the gradient.
// terms (2, L, T, B): [0] weight·(ratio − 1)²/B  [1] weight·2(ratio − 1)/(‖dh‖·‖v‖·B)

override H: u32 = 1u;
override WG: u32; // threads of the per-row entry point
override TILE: u32; // the per-element entry point's workgroup is TILE × TILE

struct Params {
  T: u32,
  B: u32,
  L: u32,
  layer: u32,
  w0: u32,
  t1: u32,
  whhOff: u32,
  dOff: u32,
  weight: f32,
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> dh: array<f32>; // (L, T, B, H)
@group(0) @binding(2) var<storage, read> dG: array<f32>; // (T, B, H) dpre
@group(0) @binding(3) var<storage, read> omegaV: array<f32>; // (T, B, H)
@group(0) @binding(4) var<storage, read_write> terms: array<f32>; // (2, L, T, B)
@group(0) @binding(5) var<storage, read_write> grads: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

@compute @workgroup_size(WG)
fn coefficients(@builtin(global_invocation_id) gid: vec3<u32>) {
  let tb = gid.x;
  let n = u.T * u.B;
  if (tb >= n) {
    return;
  }
  let termAt = u.layer * n + tb;
  let coefAt = (u.L + u.layer) * n + tb;
  terms[termAt] = 0.0;
  terms[coefAt] = 0.0;
  let t = tb / u.B;
  if (t <= u.w0 || t >= u.t1) {
    return;
  }
  var dhSq = 0.0;
  var vSq = 0.0;
  for (var j = 0u; j < H; j++) {
    let d = dh[u.dOff + tb * H + j];
    let v = omegaV[tb * H + j];
    dhSq += d * d;
    vSq += v * v;
  }
  let dhNorm = sqrt(dhSq);
  if (!(dhNorm > 0.0)) {
    return;
  }
  let vNorm = sqrt(vSq);
  let ratio = vNorm / dhNorm;
  terms[termAt] = u.weight * (ratio - 1.0) * (ratio - 1.0) / f32(u.B);
  if (vNorm > 0.0) {
    terms[coefAt] = u.weight * 2.0 * (ratio - 1.0) / (dhNorm * vNorm * f32(u.B));
  }
}

@compute @workgroup_size(TILE, TILE)
fn gradient(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let i = gid.y;
  if (i >= H || j >= H) {
    return;
  }
  let n = u.T * u.B;
  var s = 0.0;
  for (var tb = (u.w0 + 1u) * u.B; tb < u.t1 * u.B; tb++) {
    s += terms[(u.L + u.layer) * n + tb] * dG[tb * H + i] * omegaV[tb * H + j];
  }
  grads[u.whhOff + i * H + j] += s;
}
