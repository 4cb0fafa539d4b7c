// Column sums: out[outOff0 + n] = Σ_m src0[srcOff0 + m·N + n] — the bias gradients, reduced over all T·B rows.
// workgroup_id.y picks one of two jobs in the same dispatch (db_ih from dG_ih and db_hh from dG_hh).

struct Params {
  M: u32,
  N: u32,
  srcOff0: u32,
  srcOff1: u32,
  outOff0: u32,
  outOff1: u32,
  same: u32, // 1: one job whose sums go to both outOff0 and outOff1 (db_ih = db_hh for all cells but GRU)
}

@group(0) @binding(0) var<storage, read> src0: array<f32>;
@group(0) @binding(1) var<storage, read> src1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(1) @binding(0) var<uniform> u: Params;

const COLS: u32 = 16u;
override LANES: u32 = 16u; // rows summed in parallel per column (1 on software adapters: no barrier traffic)
var<workgroup> partial: array<f32, COLS * LANES>; // (LANES, COLS)

@compute @workgroup_size(16, LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = wg.x * COLS + lid.x;
  let lane = lid.y;
  var s = 0.0;
  if (n < u.N) {
    for (var m = lane; m < u.M; m += LANES) {
      if (wg.y == 0u) {
        s += src0[u.srcOff0 + m * u.N + n];
      } else {
        s += src1[u.srcOff1 + m * u.N + n];
      }
    }
  }
  partial[lane * COLS + lid.x] = s;
  workgroupBarrier();
  if (lane == 0u && n < u.N) {
    var total = 0.0;
    for (var l = 0u; l < LANES; l++) {
      total += partial[l * COLS + lid.x];
    }
    if (wg.y == 0u) {
      out[u.outOff0 + n] = total;
      if (u.same != 0u) {
        out[u.outOff1 + n] = total;
      }
    } else {
      out[u.outOff1 + n] = total;
    }
  }
}
