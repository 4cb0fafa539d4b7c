// step_norms.wgsl for adapters with the `subgroups` feature: the sum of squares is reduced with subgroupAdd,
// then across the workgroup's subgroups through workgroup memory (one barrier instead of log2(WG)).
// Same bindings, parameters and output as step_norms.wgsl.
enable subgroups;

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

override WG: u32;
var<workgroup> partial: array<f32, WG>;
var<workgroup> nonFinite: atomic<u32>; // 1 when the step holds a NaN or Inf (zero-initialised per dispatch) // one slot per subgroup (at most WG subgroups)

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) width: u32,
) {
  let t = u.t0 + wg.x;
  let layer = wg.y;
  let kind = wg.z;
  let n = u.B * u.H;
  let base = (layer * u.T + t) * n;
  // Two passes (see step_norms.wgsl): the largest magnitude m, then Σ (v/m)²; ‖v‖ = m·√Σ(v/m)².
  var m = 0.0;
  for (var i = lid; i < n; i += WG) {
    let v = load(kind, base + i);
    if (isFiniteBits(v)) {
      m = max(m, abs(v));
    } else {
      atomicStore(&nonFinite, 1u);
    }
  }
  let groupMax = subgroupMax(m);
  if (lane == 0u) {
    partial[lid / width] = groupMax;
  }
  workgroupBarrier();
  var scale = 0.0;
  for (var g = 0u; g < (WG + width - 1u) / width; g++) {
    scale = max(scale, partial[g]);
  }
  workgroupBarrier(); // everyone has read the maximum before partial is reused
  var s = 0.0;
  // With a NaN or Inf among them: the plain Σ v², NaN or Inf as they make it.
  let scaled = atomicLoad(&nonFinite) == 0u;
  for (var i = lid; i < n; i += WG) {
    let raw = load(kind, base + i);
    let v = select(raw, select(0.0, raw / scale, scale > 0.0), scaled);
    s += v * v;
  }
  let total = subgroupAdd(s);
  if (lane == 0u) {
    partial[lid / width] = total;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var sum = 0.0;
    for (var g = 0u; g < (WG + width - 1u) / width; g++) {
      sum += partial[g];
    }
    norms[u.outOff + (kind * u.L + layer) * u.T + t] = select(sqrt(sum), scale * sqrt(sum), scaled);
  }
}

fn load(kind: u32, i: u32) -> f32 {
  if (kind == 0u) { return dh[i]; }
  return dc[i];
}
