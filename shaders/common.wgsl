// Helpers shared by the kernels; prepended to each kernel's source by the TypeScript side.


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
