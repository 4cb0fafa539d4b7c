// Per-timestep gradient norms for the gradient-flow view: ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ (Frobenius over batch and
// units) for steps [t0, t1) of every layer. One workgroup per (step, layer, kind); kind 0 = h, 1 = c.
// Output (2, L, T) at norms[outOff + (kind·L + layer)·T + t].

struct Params {
  T: u32,
  B: u32,
  H: u32,
  L: u32,
  t0: u32,
  outOff: u32,
}

@group(0) @binding(0) var<storage, read> dh: array<f32>; // (L, T, B, H)
@group(0) @binding(1) var<storage, read> dc: array<f32>; // (L, T, B, H)
@group(0) @binding(2) var<storage, read_write> norms: array<f32>; // (2, L, T)
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32 = 64u; // a power of two; 4 on software adapters
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = u.t0 + wg.x;
  let layer = wg.y;
  let kind = wg.z;
  let n = u.B * u.H;
  let base = (layer * u.T + t) * n;
  var s = 0.0;
  for (var i = lid; i < n; i += WG) {
    var v = 0.0;
    if (kind == 0u) { v = dh[base + i]; } else { v = dc[base + i]; }
    s += v * v;
  }
  partial[lid] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    norms[u.outOff + (kind * u.L + layer) * u.T + t] = sqrt(partial[0]);
  }
}
