// General strided matrix product C (M, N) = A (M, K) · B (K, N) [+ bias (N) broadcast over rows].
// Every operand is addressed as base + row·rowStride + col·colStride, so one kernel serves plain,
// transposed and offset views (the input projection over all T·B rows, the head, dW = dGᵀ·X, dX = dG·W).
// With hasRowSum it also writes the row sums Σ_k A[row, k] to C[rowSumOff + row]: for dW = dGᵀ·X those are the
// bias gradient db = Σ_rows dG, from loads the product makes anyway (no column-sum pass over dG).

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
  rowSumOff: u32,
  hasRowSum: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> Bm: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

override TILE: u32; // the tiled entry point's workgroup is TILE × TILE
var<workgroup> tileA: array<f32, TILE * TILE>; // (TILE m, TILE k)
var<workgroup> tileB: array<f32, TILE * TILE>; // (TILE k, TILE n)

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wg.y * TILE + lid.y;
  let col = wg.x * TILE + lid.x;
  var acc = 0.0;
  let rowSummer = u.hasRowSum != 0u && col == 0u; // the first column's threads also sum their row of A
  var rowSum = 0.0;
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
    if (rowSummer) {
      for (var k = 0u; k < TILE; k++) {
        rowSum += tileA[lid.y * TILE + k];
      }
    }
    workgroupBarrier();
  }
  if (row < u.M && col < u.N) {
    if (u.hasBias != 0u) {
      acc += bias[u.biasOff + col];
    }
    C[u.cOff + row * u.cRowStride + col] = acc;
  }
  if (rowSummer && row < u.M) {
    C[u.rowSumOff + row] = rowSum;
  }
}

// The same product without workgroup memory or barriers, for software adapters (SwiftShader). There every
// storage load with a computed index is a per-lane gather (four scalar loads behind four branches), so loads,
// not multiply-adds, set the speed: each thread computes an 8×8 block of C straight from storage, 16 loads per
// 64 multiply-adds (a 4×4 block needs 8 per 16, and measured ~1.8× slower; 12×8 or 16×8 spill registers and
// gain nothing). Workgroups are one SIMD group (4 threads), blocks are numbered row-major over the whole grid,
// so a one-column head or a two-column weight gradient leaves no lane idle and there are enough workgroups to
// keep every CPU core busy. Loads use clamped indices so they stay in bounds; only in-range outputs are stored.
const BLOCK: u32 = 8u;
override BLOCK_THREADS: u32; // threads per workgroup of direct8x8

// Row r0 + i of the block: columns c0 … c0+3 in `lo`, c0+4 … c0+7 in `hi`, each bounds-checked.
fn storeBlockRow(r: u32, c0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (r >= u.M) {
    return;
  }
  let o = u.cOff + r * u.cRowStride + c0;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < u.N) { C[o + j] = lo[j]; }
    if (c0 + 4u + j < u.N) { C[o + 4u + j] = hi[j]; }
  }
}

@compute @workgroup_size(BLOCK_THREADS)
fn direct8x8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let blocksPerRow = (u.N + BLOCK - 1u) / BLOCK;
  let block = gid.y * nwg.x * BLOCK_THREADS + gid.x;
  let r0 = (block / blocksPerRow) * BLOCK;
  let c0 = (block % blocksPerRow) * BLOCK;
  if (r0 >= u.M) {
    return;
  }
  let lane = vec4<u32>(0u, 1u, 2u, 3u);
  let lastRow = vec4<u32>(u.M - 1u);
  let lastCol = vec4<u32>(u.N - 1u);
  // Element indices of A[row, k] for the 8 rows and of B[k, col] for the 8 columns, advanced along k.
  var aLo = vec4<u32>(u.aOff) + min(vec4<u32>(r0) + lane, lastRow) * u.aRowStride;
  var aHi = vec4<u32>(u.aOff) + min(vec4<u32>(r0 + 4u) + lane, lastRow) * u.aRowStride;
  let colsLo = min(vec4<u32>(c0) + lane, lastCol);
  let colsHi = min(vec4<u32>(c0 + 4u) + lane, lastCol);
  var bLo = vec4<u32>(u.bOff) + colsLo * u.bColStride;
  var bHi = vec4<u32>(u.bOff) + colsHi * u.bColStride;
  var acc: Block8x8; // row i of the block: columns 0–3 in lo{i}, 4–7 in hi{i}
  var rowSumLo = vec4<f32>(0.0); // Σ_k A[row, k] for the 8 rows (the bias gradient, when asked for)
  var rowSumHi = vec4<f32>(0.0);
  for (var k = 0u; k < u.K; k++) {
    let a0 = vec4<f32>(A[aLo.x], A[aLo.y], A[aLo.z], A[aLo.w]);
    let a1 = vec4<f32>(A[aHi.x], A[aHi.y], A[aHi.z], A[aHi.w]);
    let b0 = vec4<f32>(Bm[bLo.x], Bm[bLo.y], Bm[bLo.z], Bm[bLo.w]);
    let b1 = vec4<f32>(Bm[bHi.x], Bm[bHi.y], Bm[bHi.z], Bm[bHi.w]);
    addOuter8x8(&acc, a0, a1, b0, b1);
    if (u.hasRowSum != 0u) {
      rowSumLo += a0;
      rowSumHi += a1;
    }
    aLo += vec4<u32>(u.aColStride);
    aHi += vec4<u32>(u.aColStride);
    bLo += vec4<u32>(u.bRowStride);
    bHi += vec4<u32>(u.bRowStride);
  }
  var biasLo = vec4<f32>(0.0);
  var biasHi = vec4<f32>(0.0);
  if (u.hasBias != 0u) {
    let iLo = colsLo + vec4<u32>(u.biasOff);
    let iHi = colsHi + vec4<u32>(u.biasOff);
    biasLo = vec4<f32>(bias[iLo.x], bias[iLo.y], bias[iLo.z], bias[iLo.w]);
    biasHi = vec4<f32>(bias[iHi.x], bias[iHi.y], bias[iHi.z], bias[iHi.w]);
  }
  storeBlockRow(r0, c0, acc.lo0 + biasLo, acc.hi0 + biasHi);
  storeBlockRow(r0 + 1u, c0, acc.lo1 + biasLo, acc.hi1 + biasHi);
  storeBlockRow(r0 + 2u, c0, acc.lo2 + biasLo, acc.hi2 + biasHi);
  storeBlockRow(r0 + 3u, c0, acc.lo3 + biasLo, acc.hi3 + biasHi);
  storeBlockRow(r0 + 4u, c0, acc.lo4 + biasLo, acc.hi4 + biasHi);
  storeBlockRow(r0 + 5u, c0, acc.lo5 + biasLo, acc.hi5 + biasHi);
  storeBlockRow(r0 + 6u, c0, acc.lo6 + biasLo, acc.hi6 + biasHi);
  storeBlockRow(r0 + 7u, c0, acc.lo7 + biasLo, acc.hi7 + biasHi);
  // The row sums once per row: by the blocks of the first column.
  if (u.hasRowSum != 0u && c0 == 0u) {
    for (var i = 0u; i < 4u; i++) {
      if (r0 + i < u.M) { C[u.rowSumOff + r0 + i] = rowSumLo[i]; }
      if (r0 + 4u + i < u.M) { C[u.rowSumOff + r0 + 4u + i] = rowSumHi[i]; }
    }
  }
}
