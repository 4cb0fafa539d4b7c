// Second half of the reduction, one workgroup: a chunk's loss sum, penalty, gradient norm², clip factor and
// finiteness, written to its record in `metrics`; counts the optimiser step on the GPU (Adam's t) when the
// update will happen, so no readback is needed between chunks.
//   metrics[chunk·RECORD_FLOATS + RECORD_…] = loss sum, penalty, gradient norm², clip factor, finite, guarded
// guarded: the gradient norm exceeds maxNorm (the Trainer's exploding-gradient guard): no update is made.
//   counter[0] = optimiser updates so far (f32, exact below 2^24)

struct Params {
  B: u32,
  t0: u32,
  t1: u32,
  chunk: u32,
  nwg: u32,
  clipMode: u32,
  doUpdate: u32,
  l2: f32,
  threshold: f32,
  omegaRows: u32, // rows of omegaTerms to add (L·T·B when Ω is on, else 0)
  maxNorm: f32, // a chunk whose gradient norm exceeds this makes no update (StepOptions.maxGradNorm)
}

@group(0) @binding(0) var<storage, read> partials: array<f32>; // (NWG, 4)
@group(0) @binding(1) var<storage, read> rowLoss: array<f32>; // (T, B)
@group(0) @binding(2) var<storage, read> omegaTerms: array<f32>; // (L, T, B) weighted Ω terms of this window
@group(0) @binding(3) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(4) var<storage, read_write> counter: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32; // a power of two (KernelProfile.reductionThreads)
var<workgroup> sums: array<vec4<f32>, WG>; // gradSq, clippedSq, W², loss
var<workgroup> omegaSums: array<f32, WG>;
var<workgroup> badSums: array<f32, WG>; // non-finite loss rows and gradient elements

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = vec4<f32>(0.0);
  var bad = 0.0; // non-finite gradient elements
  for (var w = lid; w < u.nwg; w += WG) {
    acc.x += partials[w * 4u];
    acc.y += partials[w * 4u + 1u];
    acc.z += partials[w * 4u + 2u];
    bad += partials[w * 4u + 3u];
  }
  for (var r = u.t0 * u.B + lid; r < u.t1 * u.B; r += WG) {
    let l = rowLoss[r];
    acc.w += l;
    if (!isFiniteBits(l)) {
      bad += 1.0;
    }
  }
  var omega = 0.0;
  for (var r = lid; r < u.omegaRows; r += WG) {
    omega += omegaTerms[r];
  }
  sums[lid] = acc;
  omegaSums[lid] = omega;
  badSums[lid] = bad;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      sums[lid] += sums[lid + stride];
      omegaSums[lid] += omegaSums[lid + stride];
      badSums[lid] += badSums[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid != 0u) {
    return;
  }
  let total = sums[0];
  let gradSq = total.x;
  let lossSum = total.w;
  let penalty = 0.5 * u.l2 * total.z + omegaSums[0];
  let norm = sqrt(gradSq);
  let finite = badSums[0] == 0.0 && isFiniteBits(gradSq) && isFiniteBits(lossSum) && isFiniteBits(penalty);
  var factor = 1.0;
  if (finite && norm > 0.0) {
    if (u.clipMode == CLIP_NORM && norm > u.threshold) {
      factor = u.threshold / norm;
    } else if (u.clipMode == CLIP_VALUE) {
      factor = sqrt(total.y) / norm;
    }
  }
  let rec = u.chunk * RECORD_FLOATS;
  metrics[rec + RECORD_LOSS_SUM] = lossSum;
  metrics[rec + RECORD_PENALTY] = penalty;
  metrics[rec + RECORD_GRAD_NORM_SQ] = gradSq;
  metrics[rec + RECORD_CLIP_FACTOR] = factor;
  metrics[rec + RECORD_FINITE] = select(0.0, 1.0, finite);
  let guarded = finite && norm > u.maxNorm;
  metrics[rec + RECORD_GUARDED] = select(0.0, 1.0, guarded);
  if (finite && !guarded && u.doUpdate != 0u) {
    counter[0] = counter[0] + 1.0;
  }
}
