// The adapter limits a model must fit, checked before anything is allocated; each refusal names the limit.
import type { ModelSpec, ParamLayout } from '../../core/spec';
import type { RecurrentShape } from './kernels/recurrent';

export function checkBufferLimit(what: string, bytes: number, limits: GPUSupportedLimits): void {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (bytes > limits.maxStorageBufferBindingSize) {
    throw new Error(`model too large for this GPU: its ${what} need a ${mib(bytes)} buffer, over the adapter's maxStorageBufferBindingSize (${mib(limits.maxStorageBufferBindingSize)})`);
  }
  if (bytes > limits.maxBufferSize) {
    throw new Error(`model too large for this GPU: its ${what} need a ${mib(bytes)} buffer, over the adapter's maxBufferSize (${mib(limits.maxBufferSize)})`);
  }
}

/** Refuses, before anything is allocated, a model the device cannot hold; the message names the limit. */
export function checkModelLimits(spec: ModelSpec, layout: ParamLayout, shape: RecurrentShape, limits: GPUSupportedLimits): void {
  checkBufferLimit('parameters', layout.size * 4, limits);
  const wg = Math.max(shape.forwardWorkgroupBytes, shape.backwardWorkgroupBytes);
  if (wg > limits.maxComputeWorkgroupStorageSize) {
    throw new Error(
      `hidden size ${spec.hiddenSize} too large for this GPU: the fused recurrence needs ${wg} bytes of workgroup memory, over the adapter's maxComputeWorkgroupStorageSize (${limits.maxComputeWorkgroupStorageSize})`,
    );
  }
  if (limits.maxStorageBuffersPerShaderStage < 8) {
    throw new Error(`this GPU allows ${limits.maxStorageBuffersPerShaderStage} storage buffers per shader stage (maxStorageBuffersPerShaderStage); the engine needs 8`);
  }
}
