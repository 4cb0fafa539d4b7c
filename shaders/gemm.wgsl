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
