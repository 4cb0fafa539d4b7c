// The fused recurrence, forward: one dispatch runs steps [t0, t1) of one layer. A workgroup owns ROWS batch
// rows; its threads own (row, unit) pairs; the loop over time runs inside the kernel with a workgroupBarrier
// between steps (batch rows are independent, so no cross-workgroup sync is ever needed). h_{t−1} sits in
// workgroup memory; W_hh rows are read from the parameter buffer. Cell and variant are override constants.
//
// Buffers (slot 0 of every "(T+1, …)" buffer is the state before step 0; step t writes slot t+1):
//   xp   (T, B, G·H)     W_ih x_t + b_ih for all steps (one GEMM before this kernel)
//   hs   (T+1, B, H)     hidden states
//   cs   (T+1, B, H)     LSTM cell states
//   acts (T+1, B, AW)    saved activations: LSTM i,f,g,o (AW = 4H); GRU r,z,n and W_hn h + b_hn (AW = 4H);
//                        MGU f,n and W_hn h + b_hn (AW = 3H); ESN u = tanh(pre) (AW = H); plain RNNs none.

// CELL is one of the cell codes of common.wgsl (the registry's wgsl.code of each cell, src/core/cells/registry.ts).

override CELL: u32 = 0u;
override H: u32 = 1u;
override G: u32 = 1u; // gate blocks: 4 LSTM, 3 GRU, 2 MGU, 1 otherwise
override GH: u32 = 1u; // G·H
override AW: u32 = 1u; // row width of acts
override ROWS: u32 = 1u; // batch rows per workgroup
override WG: u32 = 64u; // threads per workgroup
override LEAK: f32 = 1.0; // ESN leak a
override PEEP: bool = false;
override IN_GATE: bool = true;
override FORGET_GATE: bool = true;
override OUT_GATE: bool = true;
override IN_ACT: bool = true;
override OUT_ACT: bool = true;
override COUPLED: bool = false;
override FGR: bool = false;
override FGR_SIZE: u32 = 1u; // ROWS·3H with FGR, else 1
override VEC4: bool = false; // H % 4 == 0: W_hh rows and h read as vec4 (W_hh offsets are then 16-byte aligned)
override H_SIZE: u32 = 1u; // ROWS·H, or 1 with VEC4
override H4_SIZE: u32 = 1u; // ROWS·H/4 with VEC4, else 1
// H too large for workgroup memory: read h_{t−1} (and FGR's i, f, o) straight from hs / acts, which the
// workgroup itself wrote in the previous step (a storageBarrier orders them). Never with VEC4.
override GLOBAL_STATE: bool = false;

struct Params {
  B: u32,
  t0: u32,
  t1: u32,
  whhOff: u32,
  bhhOff: u32,
  peepOff: u32,
  wggOff: u32,
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read_write> hs: array<f32>;
@group(0) @binding(3) var<storage, read_write> cs: array<f32>;
@group(0) @binding(4) var<storage, read_write> acts: array<f32>;
@group(0) @binding(5) var<storage, read> params4: array<vec4<f32>>; // the same buffer as params
@group(1) @binding(0) var<uniform> u: Params;

var<workgroup> hPrev: array<f32, H_SIZE>; // (ROWS, H) h_{t−1}
var<workgroup> hPrev4: array<vec4<f32>, H4_SIZE>; // the same, as vec4 (VEC4)
var<workgroup> aPrev: array<f32, FGR_SIZE>; // (ROWS, 3H) i, f, o of t−1 (FGR)
var<private> stepT: u32; // the step being computed
var<private> firstRow: u32; // this workgroup's first batch row

// h_{t−1} of (local row, unit) i = r·H + j.
fn prevH(i: u32) -> f32 {
  if (GLOBAL_STATE) {
    return hs[(stepT * u.B + firstRow) * H + i];
  }
  return hPrev[i];
}

// [i, f, o]_{t−1} of local row r, column k in 0..3H.
fn prevA(r: u32, k: u32) -> f32 {
  if (GLOBAL_STATE) {
    var col = k;
    if (k >= 2u * H) { col = k + H; }
    return acts[(stepT * u.B + firstRow + r) * AW + col];
  }
  return aPrev[r * 3u * H + k];
}

// W_hh[row, :] · h_{t−1} of local row r.
fn recurrentDot(row: u32, r: u32) -> f32 {
  if (VEC4) {
    let w4 = (u.whhOff + row * H) / 4u;
    let hb4 = r * H / 4u;
    var s4 = vec4<f32>(0.0);
    for (var k = 0u; k < H / 4u; k++) {
      s4 += params4[w4 + k] * hPrev4[hb4 + k];
    }
    return (s4.x + s4.y) + (s4.z + s4.w);
  }
  let w = u.whhOff + row * H;
  let hb = r * H;
  var s = 0.0;
  for (var k = 0u; k < H; k++) {
    s += params[w + k] * prevH(hb + k);
  }
  return s;
}

// The four LSTM gate rows j, H+j, 2H+j, 3H+j of W_hh · h_{t−1} in one pass over h (each h load used four times).
fn recurrentDotGates(j: u32, r: u32) -> vec4<f32> {
  var acc = vec4<f32>(0.0);
  if (VEC4) {
    let w4 = (u.whhOff + j * H) / 4u;
    let gate4 = H * H / 4u; // vec4s between gate blocks
    let hb4 = r * H / 4u;
    var si = vec4<f32>(0.0);
    var sf = vec4<f32>(0.0);
    var sg = vec4<f32>(0.0);
    var so = vec4<f32>(0.0);
    for (var k = 0u; k < H / 4u; k++) {
      let h = hPrev4[hb4 + k];
      si += params4[w4 + k] * h;
      sf += params4[w4 + gate4 + k] * h;
      sg += params4[w4 + 2u * gate4 + k] * h;
      so += params4[w4 + 3u * gate4 + k] * h;
    }
    return vec4<f32>(dot(si, vec4<f32>(1.0)), dot(sf, vec4<f32>(1.0)), dot(sg, vec4<f32>(1.0)), dot(so, vec4<f32>(1.0)));
  }
  let w = u.whhOff + j * H;
  let gate = H * H;
  let hb = r * H;
  for (var k = 0u; k < H; k++) {
    let h = prevH(hb + k);
    acc += vec4<f32>(params[w + k], params[w + gate + k], params[w + 2u * gate + k], params[w + 3u * gate + k]) * h;
  }
  return acc;
}

fn readPrev(i: u32) -> f32 {
  if (VEC4) {
    return hPrev4[i / 4u][i % 4u];
  }
  return prevH(i);
}

fn writePrev(i: u32, v: f32) {
  if (VEC4) {
    hPrev4[i / 4u][i % 4u] = v;
  } else {
    hPrev[i] = v;
  }
}

// W_gg[row, :] · [i, f, o]_{t−1} of local row r (FGR).
fn gateDot(row: u32, r: u32) -> f32 {
  let w = u.wggOff + row * 3u * H;
  var s = 0.0;
  for (var k = 0u; k < 3u * H; k++) {
    s += params[w + k] * prevA(r, k);
  }
  return s;
}

// Copies the state after step t−1 (slot t) of this thread's (row, unit) pairs into workgroup memory.
fn loadPrev(t: u32, b0: u32, lid: u32) {
  if (GLOBAL_STATE) {
    return;
  }
  for (var idx = lid; idx < ROWS * H; idx += WG) {
    let r = idx / H;
    let j = idx % H;
    let b = b0 + r;
    if (b < u.B) {
      writePrev(idx, hs[(t * u.B + b) * H + j]);
      if (FGR) {
        let a = (t * u.B + b) * AW;
        aPrev[r * 3u * H + j] = acts[a + j];
        aPrev[r * 3u * H + H + j] = acts[a + H + j];
        aPrev[r * 3u * H + 2u * H + j] = acts[a + 3u * H + j];
      }
    }
  }
}

// The cells' steps take `rec`, the gates' rows of W_hh · h_{t−1} for (row b, unit j): i, f, g, o (LSTM),
// r, z, n (GRU), f, n (MGU) or the one pre-activation (.x).
fn lstmStep(t: u32, b: u32, r: u32, j: u32, rec: vec4<f32>) {
  let x = (t * u.B + b) * GH;
  let prev = (t * u.B + b) * H + j; // slot t: c_{t−1}
  let next = ((t + 1u) * u.B + b) * H + j; // slot t+1
  let cp = cs[prev];
  var pi = xp[x + j] + params[u.bhhOff + j] + rec.x;
  var pf = xp[x + H + j] + params[u.bhhOff + H + j] + rec.y;
  let pg = xp[x + 2u * H + j] + params[u.bhhOff + 2u * H + j] + rec.z;
  var po = xp[x + 3u * H + j] + params[u.bhhOff + 3u * H + j] + rec.w;
  if (FGR) {
    pi += gateDot(j, r);
    pf += gateDot(H + j, r);
    po += gateDot(2u * H + j, r);
  }
  if (PEEP) {
    pi += params[u.peepOff + j] * cp;
    pf += params[u.peepOff + H + j] * cp;
  }
  var i = 1.0;
  if (IN_GATE) { i = sigmoid(pi); }
  var f = 1.0;
  if (COUPLED) { f = 1.0 - i; } else if (FORGET_GATE) { f = sigmoid(pf); }
  var g = pg;
  if (IN_ACT) { g = safeTanh(pg); }
  let c = f * cp + i * g;
  if (PEEP) {
    po += params[u.peepOff + 2u * H + j] * c;
  }
  var o = 1.0;
  if (OUT_GATE) { o = sigmoid(po); }
  var tc = c;
  if (OUT_ACT) { tc = safeTanh(c); }
  let a = ((t + 1u) * u.B + b) * AW;
  acts[a + j] = i;
  acts[a + H + j] = f;
  acts[a + 2u * H + j] = g;
  acts[a + 3u * H + j] = o;
  cs[next] = c;
  hs[next] = o * tc;
}

fn gruStep(t: u32, b: u32, r: u32, j: u32, rec: vec4<f32>) {
  let x = (t * u.B + b) * GH;
  let hp = readPrev(r * H + j);
  let rg = sigmoid(xp[x + j] + params[u.bhhOff + j] + rec.x);
  let z = sigmoid(xp[x + H + j] + params[u.bhhOff + H + j] + rec.y);
  let hn = params[u.bhhOff + 2u * H + j] + rec.z;
  let n = safeTanh(xp[x + 2u * H + j] + rg * hn);
  let a = ((t + 1u) * u.B + b) * AW;
  acts[a + j] = rg;
  acts[a + H + j] = z;
  acts[a + 2u * H + j] = n;
  acts[a + 3u * H + j] = hn;
  hs[((t + 1u) * u.B + b) * H + j] = (1.0 - z) * n + z * hp;
}

// MGU: f gates both the mix and, as GRU's r does, the recurrent term of the candidate.
fn mguStep(t: u32, b: u32, r: u32, j: u32, rec: vec4<f32>) {
  let x = (t * u.B + b) * GH;
  let hp = readPrev(r * H + j);
  let f = sigmoid(xp[x + j] + params[u.bhhOff + j] + rec.x);
  let hn = params[u.bhhOff + H + j] + rec.y;
  let n = safeTanh(xp[x + H + j] + f * hn);
  let a = ((t + 1u) * u.B + b) * AW;
  acts[a + j] = f;
  acts[a + H + j] = n;
  acts[a + 2u * H + j] = hn;
  hs[((t + 1u) * u.B + b) * H + j] = (1.0 - f) * hp + f * n;
}

fn simpleStep(t: u32, b: u32, r: u32, j: u32, rec: f32) {
  let pre = xp[(t * u.B + b) * GH + j] + params[u.bhhOff + j] + rec;
  let next = ((t + 1u) * u.B + b) * H + j;
  if (CELL == RNN_TANH) {
    hs[next] = safeTanh(pre);
  } else if (CELL == RNN_RELU) {
    hs[next] = max(pre, 0.0);
  } else {
    let v = safeTanh(pre);
    acts[((t + 1u) * u.B + b) * AW + j] = v;
    hs[next] = (1.0 - LEAK) * readPrev(r * H + j) + LEAK * v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b0 = wg.x * ROWS;
  firstRow = b0;
  loadPrev(u.t0, b0, lid);
  workgroupBarrier();
  for (var t = u.t0; t < u.t1; t++) {
    stepT = t;
    for (var idx = lid; idx < ROWS * H; idx += WG) {
      let r = idx / H;
      let b = b0 + r;
      if (b < u.B) {
        let j = idx % H;
        if (CELL == LSTM) {
          lstmStep(t, b, r, j, recurrentDotGates(j, r));
        } else if (CELL == GRU) {
          gruStep(t, b, r, j, vec4<f32>(recurrentDot(j, r), recurrentDot(H + j, r), recurrentDot(2u * H + j, r), 0.0));
        } else if (CELL == MGU) {
          mguStep(t, b, r, j, vec4<f32>(recurrentDot(j, r), recurrentDot(H + j, r), 0.0, 0.0));
        } else {
          simpleStep(t, b, r, j, recurrentDot(j, r));
        }
      }
    }
    if (GLOBAL_STATE) {
      storageBarrier(); // the next step reads this step's hs / acts written by other threads
    } else {
      workgroupBarrier();
      // Each thread reads back only what it wrote itself, so no storage barrier is needed.
      loadPrev(t + 1u, b0, lid);
      workgroupBarrier();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The same recurrence for software adapters (SwiftShader; entry point `tiled`, with GLOBAL_STATE set). There a
// storage or workgroup load with a computed index is a per-lane gather that costs far more than a multiply-add,
// so each thread computes an 8 × 8 block of the step's product h_{t−1} (8 batch rows, H) · W_hhᵀ (H, 8 of the
// G·H gate rows) in registers — 16 loads per 64 multiply-adds, where the per-unit dot products above need about
// one load per multiply-add — and then runs the cell for those rows and units. A workgroup owns TILE_ROWS
// batch rows and is one SIMD group (WG = 4); h_{t−1} is read from hs (a storageBarrier between steps).
// A block's 8 columns are 2 units × their gates (G = 2, 3 or 4: i f g o, r z n −, f n − −) or 8 units (G = 1).

const TILE_ROWS: u32 = 8u;

// Units per column block, and the blocks covering H.
fn unitsPerBlock() -> u32 {
  return select(2u, 8u, G == 1u);
}

// Gate row of W_hh for column q (0–7) of column block cb; past the layer it repeats the last row (never stored).
fn blockWeightRow(cb: u32, q: u32) -> u32 {
  if (G == 1u) {
    return min(cb * 8u + q, H - 1u);
  }
  let unit = min(cb * 2u + q / 4u, H - 1u);
  let gate = min(q % 4u, G - 1u);
  return gate * H + unit;
}

// Runs the cell for batch row b0 + r over column block cb, given the block row's sums (columns 0–3, 4–7).
// Each cell step appears once in the code: SwiftShader inlines every call, and its compile time grows with them.
fn finishBlockRow(t: u32, b0: u32, r: u32, cb: u32, lo: vec4<f32>, hi: vec4<f32>) {
  let b = b0 + r;
  if (b >= u.B) {
    return;
  }
  let units = unitsPerBlock();
  for (var q = 0u; q < units; q++) {
    let j = cb * units + q;
    if (j >= H) {
      return;
    }
    if (G == 1u) {
      simpleStep(t, b, r, j, select(lo[q % 4u], hi[q % 4u], q >= 4u));
    } else if (CELL == LSTM) {
      lstmStep(t, b, r, j, select(lo, hi, q == 1u));
    } else if (CELL == MGU) {
      mguStep(t, b, r, j, select(lo, hi, q == 1u));
    } else {
      gruStep(t, b, r, j, select(lo, hi, q == 1u));
    }
  }
}

// Step t for rows b0 … b0+7 and column block cb.
fn blockStep(t: u32, b0: u32, cb: u32) {
  let lane = vec4<u32>(0u, 1u, 2u, 3u);
  let lastRow = vec4<u32>(u.B - 1u);
  // h_{t−1}[row, k] (slot t) for the 8 rows and W_hh[gate row, k] for the 8 columns, advanced along k.
  var hLo = (vec4<u32>(t * u.B) + min(vec4<u32>(b0) + lane, lastRow)) * H;
  var hHi = (vec4<u32>(t * u.B) + min(vec4<u32>(b0 + 4u) + lane, lastRow)) * H;
  var wLo = vec4<u32>(u.whhOff) + vec4<u32>(blockWeightRow(cb, 0u), blockWeightRow(cb, 1u), blockWeightRow(cb, 2u), blockWeightRow(cb, 3u)) * H;
  var wHi = vec4<u32>(u.whhOff) + vec4<u32>(blockWeightRow(cb, 4u), blockWeightRow(cb, 5u), blockWeightRow(cb, 6u), blockWeightRow(cb, 7u)) * H;
  var acc: Block8x8; // batch row i of the block: columns 0–3 in lo{i}, 4–7 in hi{i}
  for (var k = 0u; k < H; k++) {
    let h0 = vec4<f32>(hs[hLo.x], hs[hLo.y], hs[hLo.z], hs[hLo.w]);
    let h1 = vec4<f32>(hs[hHi.x], hs[hHi.y], hs[hHi.z], hs[hHi.w]);
    let w0 = vec4<f32>(params[wLo.x], params[wLo.y], params[wLo.z], params[wLo.w]);
    let w1 = vec4<f32>(params[wHi.x], params[wHi.y], params[wHi.z], params[wHi.w]);
    addOuter8x8(&acc, h0, h1, w0, w1);
    hLo += vec4<u32>(1u);
    hHi += vec4<u32>(1u);
    wLo += vec4<u32>(1u);
    wHi += vec4<u32>(1u);
  }
  // One call site for the cells (see finishBlockRow): the rows go through a small array.
  let sums = blockRows(acc);
  for (var r = 0u; r < TILE_ROWS; r++) {
    finishBlockRow(t, b0, r, cb, sums[2u * r], sums[2u * r + 1u]);
  }
}

@compute @workgroup_size(WG)
fn tiled(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b0 = wg.x * TILE_ROWS;
  firstRow = b0;
  let blocks = (H + unitsPerBlock() - 1u) / unitsPerBlock();
  for (var t = u.t0; t < u.t1; t++) {
    stepT = t;
    for (var cb = lid; cb < blocks; cb += WG) {
      blockStep(t, b0, cb);
    }
    storageBarrier(); // the next step reads this step's hs (and acts, FGR) written by other threads
  }
}
