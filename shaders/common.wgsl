// Helpers shared by the kernels; prepended to each kernel's source by the TypeScript side.

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// Some drivers compute tanh as (e^2x − 1)/(e^2x + 1) and return NaN for large |x|; tanh(±15) is ±1 in f32.
fn safeTanh(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}
