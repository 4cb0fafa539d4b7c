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

override WG: u32; // a power of two
var<workgroup> partial: array<f32, WG>;
var<workgroup> nonFinite: atomic<u32>; // 1 when the step holds a NaN or Inf (zero-initialised per dispatch)

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = u.t0 + wg.x;
  let layer = wg.y;
  let kind = wg.z;
  let n = u.B * u.H;
  let base = (layer * u.T + t) * n;
  // Two passes over the step's numbers: their largest magnitude m, then Σ (v/m)², so that no square falls
  // below float32's smallest normal (1.2e-38, where squares of |v| < 1.1e-19 would flush to zero) or overflows:
  // ‖v‖ = m·√Σ(v/m)² stays accurate for norms down to ~1e-37.
  var m = 0.0;
  for (var i = lid; i < n; i += WG) {
    let v = load(kind, base + i);
    if (isFiniteBits(v)) {
      m = max(m, abs(v));
    } else {
      atomicStore(&nonFinite, 1u);
    }
  }
  partial[lid] = m;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      partial[lid] = max(partial[lid], partial[lid + stride]);
    }
    workgroupBarrier();
  }
  let scale = partial[0];
  workgroupBarrier(); // everyone has read the maximum before partial is reused
  var s = 0.0;
  // With a NaN or Inf among them: the plain Σ v², NaN or Inf as they make it.
  let scaled = atomicLoad(&nonFinite) == 0u;
  for (var i = lid; i < n; i += WG) {
    let raw = load(kind, base + i);
    let v = select(raw, select(0.0, raw / scale, scale > 0.0), scaled);
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
    norms[u.outOff + (kind * u.L + layer) * u.T + t] = select(sqrt(partial[0]), scale * sqrt(partial[0]), scaled);
  }
}

fn load(kind: u32, i: u32) -> f32 {
  if (kind == 0u) { return dh[i]; }
  return dc[i];
}
