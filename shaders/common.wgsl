// Helpers shared by the kernels; prepended to each kernel's source by the TypeScript side.

// Codes and layouts the TypeScript side shares (src/engine/webgpu/contract.ts, src/core/workspace.ts);
// tests/unit/wgsl-contract.test.ts checks every value against it.
// Cells (the CELL override of the recurrent kernels)
const RNN_TANH: u32 = 0u;
const RNN_RELU: u32 = 1u;
const LSTM: u32 = 2u;
const GRU: u32 = 3u;
const ESN: u32 = 4u;
const MGU: u32 = 5u;
// Clipping modes
const CLIP_NONE: u32 = 0u;
const CLIP_NORM: u32 = 1u;
const CLIP_VALUE: u32 = 2u;
// Optimisers
const OPT_SGD: u32 = 0u;
const OPT_MOMENTUM: u32 = 1u;
const OPT_RMSPROP: u32 = 2u;
const OPT_ADAM: u32 = 3u;
// Bits of the per-parameter flags buffer
const TRAINABLE: u32 = 1u;
const L2_MATRIX: u32 = 2u;
// One chunk's record in the metrics buffer: metrics[chunk·RECORD_FLOATS + RECORD_…]
const RECORD_FLOATS: u32 = 8u;
const RECORD_LOSS_SUM: u32 = 0u;
const RECORD_PENALTY: u32 = 1u;
const RECORD_GRAD_NORM_SQ: u32 = 2u;
const RECORD_CLIP_FACTOR: u32 = 3u;
const RECORD_FINITE: u32 = 4u; // 1 / 0
const RECORD_GUARDED: u32 = 5u; // 1: over the exploding-gradient guard, no update


// NaN and ±Inf tested on the bits: WGSL lets compilers assume float comparisons never see NaN.
fn isFiniteBits(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

fn isNanBits(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// Some exp implementations (SwiftShader's) turn NaN into a finite number; keep NaN visible.
fn sigmoid(x: f32) -> f32 {
  if (isNanBits(x)) {
    return x;
  }
  return 1.0 / (1.0 + exp(-x));
}

// Some drivers compute tanh as (e^2x − 1)/(e^2x + 1) and return NaN for large |x|; tanh(±15) is ±1 in f32.
// A NaN input stays NaN (clamp would turn it into ±15), so a poisoned network is reported, as on the CPU.
fn safeTanh(x: f32) -> f32 {
  if (isNanBits(x)) {
    return x;
  }
  return tanh(clamp(x, -15.0, 15.0));
}

// An 8 × 8 block of sums in registers, row i = (lo_i | hi_i): the software profile's register blocking (the GEMM
// and the blocked recurrences). Named fields rather than an array: every access is then a fixed register, where
// an array indexed in a loop would live in memory. `var acc: Block8x8;` starts at zero.
struct Block8x8 {
  lo0: vec4<f32>, hi0: vec4<f32>,
  lo1: vec4<f32>, hi1: vec4<f32>,
  lo2: vec4<f32>, hi2: vec4<f32>,
  lo3: vec4<f32>, hi3: vec4<f32>,
  lo4: vec4<f32>, hi4: vec4<f32>,
  lo5: vec4<f32>, hi5: vec4<f32>,
  lo6: vec4<f32>, hi6: vec4<f32>,
  lo7: vec4<f32>, hi7: vec4<f32>,
}

// acc += a ⊗ b for the 8 rows a = (a0 | a1) and the 8 columns b = (b0 | b1): 64 multiply-adds.
fn addOuter8x8(acc: ptr<function, Block8x8>, a0: vec4<f32>, a1: vec4<f32>, b0: vec4<f32>, b1: vec4<f32>) {
  (*acc).lo0 += a0.x * b0; (*acc).hi0 += a0.x * b1;
  (*acc).lo1 += a0.y * b0; (*acc).hi1 += a0.y * b1;
  (*acc).lo2 += a0.z * b0; (*acc).hi2 += a0.z * b1;
  (*acc).lo3 += a0.w * b0; (*acc).hi3 += a0.w * b1;
  (*acc).lo4 += a1.x * b0; (*acc).hi4 += a1.x * b1;
  (*acc).lo5 += a1.y * b0; (*acc).hi5 += a1.y * b1;
  (*acc).lo6 += a1.z * b0; (*acc).hi6 += a1.z * b1;
  (*acc).lo7 += a1.w * b0; (*acc).hi7 += a1.w * b1;
}

// The block's rows as (lo_0, hi_0, lo_1, …): for code that walks the rows in a loop after the sums are done.
fn blockRows(acc: Block8x8) -> array<vec4<f32>, 16> {
  return array<vec4<f32>, 16>(acc.lo0, acc.hi0, acc.lo1, acc.hi1, acc.lo2, acc.hi2, acc.lo3, acc.hi3, acc.lo4, acc.hi4, acc.lo5, acc.hi5, acc.lo6, acc.hi6, acc.lo7, acc.hi7);
}
