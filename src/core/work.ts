// How much arithmetic training costs, counted in multiply-adds: what the heavy figures are limited by, so that one
// over its limit is refused with the limit named before anything runs.
import { gateCount, type ModelSpec } from './spec';

/** Multiply-adds of one forward-and-backward pass of (T, B) through every layer (forward ≈ 1, backward ≈ 2). */
export function passMultiplyAdds(spec: ModelSpec, T: number, B: number): number {
  const GH = gateCount(spec.cell) * spec.hiddenSize;
  let perStep = 0;
  for (let l = 0; l < spec.numLayers; l++) perStep += GH * ((l === 0 ? spec.inputSize : spec.hiddenSize) + spec.hiddenSize);
  perStep += spec.hiddenSize * spec.outputSize;
  return 3 * T * B * perStep;
}
