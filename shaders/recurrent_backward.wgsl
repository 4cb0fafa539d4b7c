// The fused recurrence, backward: one dispatch runs steps t1−1 down to t0 of one layer (the BPTT window).
// Same ownership as the forward kernel: a workgroup owns ROWS batch rows and loops over time inside the
// kernel; the recurrent-side pre-activation gradients of step t+1 sit in workgroup memory, and W_hhᵀ·dG_{t+1}
// is read column-wise from the parameter buffer. Weight gradients are left to GEMMs over all steps.
//
//   dh   (L, T, B, H)  on entry ∂L/∂h_t from the head or the layer above; on exit the total ∂L/∂h_t
//   dc   (L, T, B, H)  LSTM: the total ∂L/∂c_t. Elman cells with OMEGA use this binding for
//        omegaV (T, B, H): v_t = dpre_t · W_hh for Pascanu's Ω (written at slot t for t > t0)
//   dG   (T, B, G·H)   pre-activation gradients of the input side; GRU and MGU add the recurrent side at dghOff
// With VEC4 (H % 4 == 0) a thread takes four adjacent units at once and reads W_hh as vec4 rows.
// hs, cs, acts as in recurrent_forward.wgsl (slot t+1 = after step t).

// CELL is one of the cell codes of common.wgsl (the registry's wgsl.code of each cell, src/core/cells/registry.ts).

override CELL: u32 = 0u;
override H: u32 = 1u;
override G: u32 = 1u;
override GH: u32 = 1u;
override AW: u32 = 1u;
override ROWS: u32 = 1u;
override WG: u32 = 64u;
override LEAK: f32 = 1.0;
override PEEP: bool = false;
override IN_GATE: bool = true;
override FORGET_GATE: bool = true;
override OUT_GATE: bool = true;
override IN_ACT: bool = true;
override OUT_ACT: bool = true;
override COUPLED: bool = false;
override FGR: bool = false;
override OMEGA: bool = false;
override VEC4: bool = false;
override H4: u32 = 1u; // H / 4 with VEC4, else 1 (never 0: it divides)
// G·H too large for workgroup memory: read dG_{t+1} straight from dG, which the workgroup itself wrote in the
// previous step (a storageBarrier orders it). Never with VEC4.
override GLOBAL_STATE: bool = false;
override DN_SIZE: u32 = 1u; // ROWS·G·H, or 1 with GLOBAL_STATE

struct Params {
  B: u32,
  t0: u32,
  t1: u32,
  whhOff: u32,
  peepOff: u32,
  wggOff: u32,
  dOff: u32, // this layer's offset into dh and dc
  dghOff: u32, // recurrent-side gradients in dG (GRU, MGU), else 0
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> params4: array<vec4<f32>>; // the same buffer as params
@group(0) @binding(2) var<storage, read> hs: array<f32>;
@group(0) @binding(3) var<storage, read> cs: array<f32>;
@group(0) @binding(4) var<storage, read> acts: array<f32>;
@group(0) @binding(5) var<storage, read_write> dh: array<f32>;
@group(0) @binding(6) var<storage, read_write> dc: array<f32>; // omegaV for Elman cells with OMEGA
@group(0) @binding(7) var<storage, read_write> dG: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

var<workgroup> dNext: array<f32, DN_SIZE>; // (ROWS, G·H) recurrent-side dG of step t+1
var<private> stepS: u32; // the step being processed
var<private> firstRow: u32; // this workgroup's first batch row

// Recurrent-side dG of step s+1 at (local row, column) i = r·G·H + m.
fn nextG(i: u32) -> f32 {
  if (GLOBAL_STATE) {
    return dG[u.dghOff + ((stepS + 1u) * u.B + firstRow) * GH + i];
  }
  return dNext[i];
}

// (W_hhᵀ · dG_{t+1})[j] for local row r.
fn recurrentDotT(j: u32, r: u32) -> f32 {
  let db = r * GH;
  var s = 0.0;
  for (var m = 0u; m < GH; m++) {
    s += params[u.whhOff + m * H + j] * nextG(db + m);
  }
  return s;
}

// (W_hhᵀ · dG_{t+1})[4·j4 … 4·j4+3] for local row r (VEC4).
fn recurrentDotT4(j4: u32, r: u32) -> vec4<f32> {
  let db = r * GH;
  let w4 = u.whhOff / 4u + j4;
  var s = vec4<f32>(0.0);
  for (var m = 0u; m < GH; m++) {
    s += params4[w4 + m * H4] * dNext[db + m];
  }
  return s;
}

// (W_ggᵀ · d[i,f,o]pre_{t+1})[col] for local row r (FGR); the i, f, o blocks of dNext sit at 0, H, 3H.
fn gateDotT(col: u32, r: u32) -> f32 {
  let db = r * GH;
  var s = 0.0;
  for (var m = 0u; m < 3u * H; m++) {
    var src = m;
    if (m >= 2u * H) { src = m + H; }
    s += params[u.wggOff + m * 3u * H + col] * nextG(db + src);
  }
  return s;
}

fn lstmStep(t: u32, b: u32, r: u32, j: u32, dhT: f32) {
  let tb = t * u.B + b;
  let a = (tb + u.B) * AW; // slot t+1
  let i = acts[a + j];
  let f = acts[a + H + j];
  let g = acts[a + 2u * H + j];
  let o = acts[a + 3u * H + j];
  let c = cs[(tb + u.B) * H + j];
  let cp = cs[tb * H + j];
  var tc = c;
  if (OUT_ACT) { tc = safeTanh(c); }
  let more = t + 1u < u.t1;
  var daI = 0.0;
  var daF = 0.0;
  var daO = 0.0;
  if (FGR && more) {
    daI = gateDotT(j, r);
    daF = gateDotT(H + j, r);
    daO = gateDotT(2u * H + j, r);
  }
  var dOPre = 0.0;
  if (OUT_GATE) { dOPre = (dhT * tc + daO) * o * (1.0 - o); }
  var dcT = dhT * o;
  if (OUT_ACT) { dcT *= 1.0 - tc * tc; }
  if (more) {
    let nx = (tb + u.B) * GH; // step t+1 in dG
    dcT += dc[u.dOff + (tb + u.B) * H + j] * acts[(tb + 2u * u.B) * AW + H + j];
    if (PEEP) {
      dcT += params[u.peepOff + j] * dG[nx + j] + params[u.peepOff + H + j] * dG[nx + H + j];
    }
  }
  if (PEEP) { dcT += dOPre * params[u.peepOff + 2u * H + j]; }
  dc[u.dOff + tb * H + j] = dcT;
  var dIAct = dcT * g + daI;
  var dFAct = dcT * cp + daF;
  if (COUPLED) {
    dIAct -= dFAct; // f = 1 − i
    dFAct = 0.0;
  }
  var dIPre = 0.0;
  if (IN_GATE) { dIPre = dIAct * i * (1.0 - i); }
  var dFPre = 0.0;
  if (FORGET_GATE && !COUPLED) { dFPre = dFAct * f * (1.0 - f); }
  var dGPre = dcT * i;
  if (IN_ACT) { dGPre *= 1.0 - g * g; }
  let x = tb * GH;
  dG[x + j] = dIPre;
  dG[x + H + j] = dFPre;
  dG[x + 2u * H + j] = dGPre;
  dG[x + 3u * H + j] = dOPre;
}

fn gruStep(t: u32, b: u32, j: u32, dhT: f32) {
  let tb = t * u.B + b;
  let a = (tb + u.B) * AW;
  let rg = acts[a + j];
  let z = acts[a + H + j];
  let n = acts[a + 2u * H + j];
  let hn = acts[a + 3u * H + j];
  let hp = hs[tb * H + j];
  let dNPre = dhT * (1.0 - z) * (1.0 - n * n);
  let dZPre = dhT * (hp - n) * z * (1.0 - z);
  let dRPre = dNPre * hn * rg * (1.0 - rg);
  let x = tb * GH;
  dG[x + j] = dRPre;
  dG[x + H + j] = dZPre;
  dG[x + 2u * H + j] = dNPre;
  dG[u.dghOff + x + j] = dRPre;
  dG[u.dghOff + x + H + j] = dZPre;
  dG[u.dghOff + x + 2u * H + j] = dNPre * rg;
}

// MGU: f enters twice, in the mix (1 − f) h + f n and inside n through f ⊙ hn.
fn mguStep(t: u32, b: u32, j: u32, dhT: f32) {
  let tb = t * u.B + b;
  let a = (tb + u.B) * AW;
  let f = acts[a + j];
  let n = acts[a + H + j];
  let hn = acts[a + 2u * H + j];
  let hp = hs[tb * H + j];
  let dNPre = dhT * f * (1.0 - n * n);
  let dFPre = (dhT * (n - hp) + dNPre * hn) * f * (1.0 - f);
  let x = tb * GH;
  dG[x + j] = dFPre;
  dG[x + H + j] = dNPre;
  dG[u.dghOff + x + j] = dFPre;
  dG[u.dghOff + x + H + j] = dNPre * f;
}

fn simpleStep(t: u32, b: u32, j: u32, dhT: f32) {
  let tb = t * u.B + b;
  var d = 0.0;
  if (CELL == RNN_TANH) {
    let h = hs[(tb + u.B) * H + j];
    d = dhT * (1.0 - h * h);
  } else if (CELL == RNN_RELU) {
    if (hs[(tb + u.B) * H + j] > 0.0) { d = dhT; }
  } else {
    let v = acts[(tb + u.B) * AW + j];
    d = dhT * LEAK * (1.0 - v * v);
  }
  dG[tb * GH + j] = d;
}

// One unit's step s: total ∂L/∂h_s from outside plus the recurrent part `rec` (valid when s+1 < t1), then the cell.
fn unitStep(s: u32, b: u32, r: u32, j: u32, rec: f32) {
  let tb = s * u.B + b;
  let at = u.dOff + tb * H + j;
  var dhT = dh[at];
  if (s + 1u < u.t1) {
    dhT += rec;
    if (OMEGA) { dc[(tb + u.B) * H + j] = rec; }
    if (CELL == GRU) { dhT += dh[at + u.B * H] * acts[(tb + 2u * u.B) * AW + H + j]; }
    if (CELL == MGU) { dhT += dh[at + u.B * H] * (1.0 - acts[(tb + 2u * u.B) * AW + j]); }
    if (CELL == ESN) { dhT += (1.0 - LEAK) * dh[at + u.B * H]; }
  }
  // Vanishing gradients reach the subnormal range (below 1.2e-38) after enough steps; CPU adapters
  // (SwiftShader) compute on subnormals a hundred times slower, so flush each element just above it: an element
  // below 1e-37 reads as zero. The profile (step_norms.wgsl) stays within 2e-2 of float64 down to ~1e-35.
  dhT = select(dhT, 0.0, abs(dhT) < 1e-37);
  dh[at] = dhT;
  if (CELL == LSTM) {
    lstmStep(s, b, r, j, dhT);
  } else if (CELL == GRU) {
    gruStep(s, b, j, dhT);
  } else if (CELL == MGU) {
    mguStep(s, b, j, dhT);
  } else {
    simpleStep(s, b, j, dhT);
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b0 = wg.x * ROWS;
  firstRow = b0;
  for (var t = u.t1; t > u.t0; t--) {
    let s = t - 1u; // the step processed now
    stepS = s;
    let more = t < u.t1;
    if (VEC4) {
      for (var idx = lid; idx < ROWS * H4; idx += WG) {
        let r = idx / H4;
        let b = b0 + r;
        if (b < u.B) {
          let j4 = idx % H4;
          var rec = vec4<f32>(0.0);
          if (more) { rec = recurrentDotT4(j4, r); }
          for (var q = 0u; q < 4u; q++) {
            unitStep(s, b, r, 4u * j4 + q, rec[q]);
          }
        }
      }
    } else {
      for (var idx = lid; idx < ROWS * H; idx += WG) {
        let r = idx / H;
        let b = b0 + r;
        if (b < u.B) {
          let j = idx % H;
          var rec = 0.0;
          if (more) { rec = recurrentDotT(j, r); }
          unitStep(s, b, r, j, rec);
        }
      }
    }
    if (GLOBAL_STATE) {
      storageBarrier(); // the next step reads this step's dG written by other threads
      continue;
    }
    workgroupBarrier();
    // Each thread reads back only its own writes (same unit ownership as above).
    let per = select(1u, 4u, VEC4);
    for (var idx = lid; idx < ROWS * H / per; idx += WG) {
      let r = idx / (H / per);
      let b = b0 + r;
      if (b < u.B) {
        let x = u.dghOff + (s * u.B + b) * GH;
        for (var q = 0u; q < per; q++) {
          let j = (idx % (H / per)) * per + q;
          for (var g = 0u; g < G; g++) {
            dNext[r * GH + g * H + j] = dG[x + g * H + j];
          }
        }
      }
    }
    workgroupBarrier();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The same reverse recurrence for software adapters (SwiftShader; entry point `tiled`, with GLOBAL_STATE set),
// for the reason given in recurrent_forward.wgsl: each thread computes an 8 × 8 block of the step's product
// dG_{s+1} (8 batch rows, G·H) · W_hh (G·H, 8 units) in registers, 16 loads per 64 multiply-adds, then runs
// unitStep for those rows and units. A workgroup owns TILE_ROWS batch rows and is one SIMD group (WG = 4);
// dG_{s+1} is read from dG (a storageBarrier between steps).

const TILE_ROWS: u32 = 8u;

// unitStep for batch row b0 + r and units j0 … j0+7, given the block row's sums (units 0–3, 4–7).
fn finishBlockRow(s: u32, b0: u32, r: u32, j0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  let b = b0 + r;
  if (b >= u.B) {
    return;
  }
  // One call site for unitStep: SwiftShader inlines every call, and its compile time grows with them.
  for (var q = 0u; q < 8u && j0 + q < H; q++) {
    unitStep(s, b, r, j0 + q, select(lo[q % 4u], hi[q % 4u], q >= 4u));
  }
}

// Step s for rows b0 … b0+7 and units j0 … j0+7; `more`: a step s+1 inside the window feeds back.
fn blockStep(s: u32, b0: u32, j0: u32, more: bool) {
  var acc: Block8x8;
  if (more) {
    let lane = vec4<u32>(0u, 1u, 2u, 3u);
    let lastRow = vec4<u32>(u.B - 1u);
    let lastUnit = vec4<u32>(H - 1u);
    // dG_{s+1}[row, m] for the 8 rows and W_hh[m, unit] for the 8 units, advanced along m.
    let next = vec4<u32>(u.dghOff + (s + 1u) * u.B * GH);
    var dLo = next + min(vec4<u32>(b0) + lane, lastRow) * GH;
    var dHi = next + min(vec4<u32>(b0 + 4u) + lane, lastRow) * GH;
    var wLo = vec4<u32>(u.whhOff) + min(vec4<u32>(j0) + lane, lastUnit);
    var wHi = vec4<u32>(u.whhOff) + min(vec4<u32>(j0 + 4u) + lane, lastUnit);
    for (var m = 0u; m < GH; m++) {
      let d0 = vec4<f32>(dG[dLo.x], dG[dLo.y], dG[dLo.z], dG[dLo.w]);
      let d1 = vec4<f32>(dG[dHi.x], dG[dHi.y], dG[dHi.z], dG[dHi.w]);
      let w0 = vec4<f32>(params[wLo.x], params[wLo.y], params[wLo.z], params[wLo.w]);
      let w1 = vec4<f32>(params[wHi.x], params[wHi.y], params[wHi.z], params[wHi.w]);
      addOuter8x8(&acc, d0, d1, w0, w1);
      dLo += vec4<u32>(1u);
      dHi += vec4<u32>(1u);
      wLo += vec4<u32>(H);
      wHi += vec4<u32>(H);
    }
  }
  let sums = blockRows(acc);
  for (var r = 0u; r < TILE_ROWS; r++) {
    finishBlockRow(s, b0, r, j0, sums[2u * r], sums[2u * r + 1u]);
  }
}

@compute @workgroup_size(WG)
fn tiled(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b0 = wg.x * TILE_ROWS;
  firstRow = b0;
  let blocks = (H + 7u) / 8u;
  for (var t = u.t1; t > u.t0; t--) {
    let s = t - 1u; // the step processed now
    stepS = s;
    for (var cb = lid; cb < blocks; cb += WG) {
      blockStep(s, b0, cb * 8u, t < u.t1);
    }
    storageBarrier(); // the next step reads this step's dG written by other threads
  }
}
