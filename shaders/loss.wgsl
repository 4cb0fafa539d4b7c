// Loss and ∂loss/∂outputs for one chunk, one thread per (t, b) row of rows [w0, t1) (shaders' row = t·B + b).
//   mse:  rowLoss = Σ_y (out − y)²,                  dOut = 2(out − y) / count
//   xent: rowLoss = logsumexp(out) − out[label],     dOut = (softmax(out) − onehot(label)) / count
// Only rows of steps [t0, t1) with selected = 1 carry loss; rows [w0, t0) of the backprop window get dOut = 0.
// `selected` (T, B) is 1 where the step is in the batch's lossSteps, the mask allows it and (xent) label ≥ 0.

struct Params {
  B: u32,
  Y: u32,
  w0: u32,
  t0: u32,
  t1: u32,
  xent: u32,
  invCount: f32,
}

@group(0) @binding(0) var<storage, read> outputs: array<f32>; // (T, B, Y)
@group(0) @binding(1) var<storage, read> targets: array<f32>; // (T, B, Y) mse targets
@group(0) @binding(2) var<storage, read> labels: array<i32>; // (T, B) xent classes
@group(0) @binding(3) var<storage, read> selected: array<f32>; // (T, B)
@group(0) @binding(4) var<storage, read_write> dOut: array<f32>; // (T, B, Y)
@group(0) @binding(5) var<storage, read_write> rowLoss: array<f32>; // (T, B)
@group(1) @binding(0) var<uniform> u: Params;

override WG: u32; // threads per workgroup, one row each

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = u.w0 * u.B + gid.x;
  if (row >= u.t1 * u.B) {
    return;
  }
  let base = row * u.Y;
  let live = row >= u.t0 * u.B && selected[row] != 0.0;
  if (!live) {
    for (var k = 0u; k < u.Y; k++) {
      dOut[base + k] = 0.0;
    }
    rowLoss[row] = 0.0;
    return;
  }
  if (u.xent == 0u) {
    var s = 0.0;
    for (var k = 0u; k < u.Y; k++) {
      let d = outputs[base + k] - targets[base + k];
      s += d * d;
      dOut[base + k] = 2.0 * d * u.invCount;
    }
    rowLoss[row] = s;
  } else {
    let label = u32(labels[row]);
    var m = outputs[base];
    for (var k = 1u; k < u.Y; k++) {
      m = max(m, outputs[base + k]);
    }
    var z = 0.0;
    for (var k = 0u; k < u.Y; k++) {
      z += exp(outputs[base + k] - m);
    }
    let logZ = m + log(z);
    for (var k = 0u; k < u.Y; k++) {
      dOut[base + k] = exp(outputs[base + k] - logZ) * u.invCount;
    }
    dOut[base + label] -= u.invCount;
    rowLoss[row] = logZ - outputs[base + label];
  }
}
