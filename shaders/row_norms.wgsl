// Squared row norms: out[outOff + r] = Σ_n src[srcOff + r·N + n]²  for r < M — the connectivity view's
// ‖∂y/∂x_{s,r}‖² per (step, row), from the input gradients dx (T·R, X). One invocation per row; rows are
// plentiful (T·R) and N (the input size X) is small, so no cross-invocation reduction is needed.

struct Params {
  M: u32,
  N: u32,
  srcOff: u32,
  outOff: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32; // threads per workgroup

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // grid-stride: the dispatch is capped at 65,535 workgroups
  for (var r = gid.x; r < u.M; r += groups.x * WG) {
    let base = u.srcOff + r * u.N;
    var acc = 0.0;
    for (var n = 0u; n < u.N; n++) {
      let v = src[base + n];
      acc += v * v;
    }
    out[u.outOff + r] = acc;
  }
}
