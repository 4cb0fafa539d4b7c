// General strided matrix product C (M, N) = A (M, K) · B (K, N) [+ bias (N) broadcast over rows].
// Every operand is addressed as base + row·rowStride + col·colStride, so one kernel serves plain,
// transposed and offset views (the input projection over all T·B rows, the head, dW = dGᵀ·X, dX = dG·W).

struct Params {
  M: u32,
  N: u32,
  K: u32,
  aOff: u32,
  aRowStride: u32,
  aColStride: u32,
  bOff: u32,
  bRowStride: u32,
  bColStride: u32,
  cOff: u32,
  cRowStride: u32,
  biasOff: u32,
  hasBias: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> Bm: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

const TILE: u32 = 16u;
var<workgroup> tileA: array<f32, 256>; // (TILE m, TILE k)
var<workgroup> tileB: array<f32, 256>; // (TILE k, TILE n)

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wg.y * TILE + lid.y;
  let col = wg.x * TILE + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < u.K; k0 += TILE) {
    // Thread (y, x) loads A[row, k0 + x] and B[k0 + y, col].
    let ka = k0 + lid.x;
    var a = 0.0;
    if (row < u.M && ka < u.K) {
      a = A[u.aOff + row * u.aRowStride + ka * u.aColStride];
    }
    tileA[lid.y * TILE + lid.x] = a;
    let kb = k0 + lid.y;
    var b = 0.0;
    if (kb < u.K && col < u.N) {
      b = Bm[u.bOff + kb * u.bRowStride + col * u.bColStride];
    }
    tileB[lid.y * TILE + lid.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += tileA[lid.y * TILE + k] * tileB[k * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (row < u.M && col < u.N) {
    if (u.hasBias != 0u) {
      acc += bias[u.biasOff + col];
    }
    C[u.cOff + row * u.cRowStride + col] = acc;
  }
}

// The same product without workgroup memory or barriers, for software adapters (SwiftShader), where barriers
// cost far more than the reuse they buy: each thread computes a 4×4 block of C straight from storage, 8 loads
// per 16 multiply-adds. Loads use clamped indices so they stay in bounds; only in-range outputs are stored.
@compute @workgroup_size(8, 8)
fn direct4x4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= u.M || c0 >= u.N) {
    return;
  }
  let lane = vec4<u32>(0u, 1u, 2u, 3u);
  let rows = min(vec4<u32>(r0) + lane, vec4<u32>(u.M - 1u));
  let cols = min(vec4<u32>(c0) + lane, vec4<u32>(u.N - 1u));
  var ai = vec4<u32>(u.aOff) + rows * u.aRowStride;
  var bi = vec4<u32>(u.bOff) + cols * u.bColStride;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < u.K; k++) {
    let a = vec4<f32>(A[ai.x], A[ai.y], A[ai.z], A[ai.w]);
    let b = vec4<f32>(Bm[bi.x], Bm[bi.y], Bm[bi.z], Bm[bi.w]);
    acc0 += a.x * b;
    acc1 += a.y * b;
    acc2 += a.z * b;
    acc3 += a.w * b;
    ai += vec4<u32>(u.aColStride);
    bi += vec4<u32>(u.bRowStride);
  }
  var bv = vec4<f32>(0.0);
  if (u.hasBias != 0u) {
    bv = vec4<f32>(bias[u.biasOff + cols.x], bias[u.biasOff + cols.y], bias[u.biasOff + cols.z], bias[u.biasOff + cols.w]);
  }
  let acc = array<vec4<f32>, 4>(acc0 + bv, acc1 + bv, acc2 + bv, acc3 + bv);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r < u.M) {
      for (var j = 0u; j < 4u; j++) {
        if (c0 + j < u.N) {
          C[u.cOff + r * u.cRowStride + c0 + j] = acc[i][j];
        }
      }
    }
  }
}

// One output per thread, for products with few outputs (weight gradients of small layers) or a single row or
// column (the head of a one-output model): outputs are numbered row-major so no thread idles.
@compute @workgroup_size(64)
fn direct1x1(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.y * nwg.x * 64u + gid.x;
  if (idx >= u.M * u.N) {
    return;
  }
  let row = idx / u.N;
  let col = idx % u.N;
  var acc = 0.0;
  var a = u.aOff + row * u.aRowStride;
  var b = u.bOff + col * u.bColStride;
  for (var k = 0u; k < u.K; k++) {
    acc += A[a] * Bm[b];
    a += u.aColStride;
    b += u.bRowStride;
  }
  if (u.hasBias != 0u) {
    acc += bias[u.biasOff + col];
  }
  C[u.cOff + row * u.cRowStride + col] = acc;
}
