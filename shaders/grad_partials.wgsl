// First half of the global gradient reduction, over the flat gradient buffer. Per trainable element:
// adds the L2 penalty's gradient λ·W (weight matrices only) into the gradient, then sums, per workgroup,
//   [0] Σ g²   [1] Σ clamp(g, −θ, θ)²   [2] Σ W² over L2 matrices
//   [3] how many gradient elements or parameters are NaN or ±Inf (a poisoned weight stops the update even
//       where an activation's clamp kept the NaN out of the loss)
// into partials (NWG, 4). finalize.wgsl adds the workgroups up.

struct Params {
  P: u32,
  nwg: u32,
  l2: f32,
  threshold: f32,
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>; // (NWG, 4)
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32; // a power of two (KernelProfile.reductionThreads)
var<workgroup> sums: array<vec4<f32>, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var acc = vec4<f32>(0.0);
  for (var i = wg.x * WG + lid; i < u.P; i += u.nwg * WG) {
    let fl = flags[i];
    if (!isFiniteBits(params[i])) {
      acc.w += 1.0;
    }
    if ((fl & TRAINABLE) == 0u) {
      continue;
    }
    var g = grads[i];
    if ((fl & L2_MATRIX) != 0u && u.l2 != 0.0) {
      let w = params[i];
      g += u.l2 * w;
      grads[i] = g;
      acc.z += w * w;
    }
    if (!isFiniteBits(g)) {
      acc.w += 1.0;
    }
    let gc = clamp(g, -u.threshold, u.threshold);
    acc.x += g * g;
    acc.y += gc * gc;
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      sums[lid] += sums[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    partials[wg.x * 4u] = sums[0].x;
    partials[wg.x * 4u + 1u] = sums[0].y;
    partials[wg.x * 4u + 2u] = sums[0].z;
    partials[wg.x * 4u + 3u] = sums[0].w;
  }
}
