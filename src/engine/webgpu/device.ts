// Adapter and device acquisition, feature detection and the limits a model must fit. Only features a kernel
// uses are requested (no kernel computes in f16, so `shader-f16` is not).

export interface GpuContext {
  device: GPUDevice;
  /** Adapter description for people, e.g. "SwiftShader (software, fallback adapter)". */
  description: string;
  /** A software or fallback adapter (SwiftShader, WARP): the CPU engine may well be faster. */
  software: boolean;
  hasSubgroups: boolean;
  hasTimestamps: boolean;
  /** Resolves with a message when the device is lost (driver reset, GPU removed, destroy()). */
  lost: Promise<string>;
}

function describeAdapter(adapter: GPUAdapter): { description: string; software: boolean } {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => !!s);
  const name = parts.length ? parts.join(' ') : 'unknown adapter';
  // Dawn in Node does not set isFallbackAdapter for SwiftShader; recognise it by name as well.
  const fallbackFlag = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true || info?.isFallbackAdapter === true;
  const software = fallbackFlag || /swiftshader|llvmpipe|warp|software|microsoft basic/i.test(name);
  return { description: software ? `${name} (software adapter)` : name, software };
}

/** Requests an adapter and device from `gpu` (navigator.gpu in a browser, nodeGpu() in Node). */
export async function acquireDevice(gpu: GPU | undefined, label = 'rnnlab'): Promise<GpuContext> {
  if (!gpu) throw new Error('WebGPU is not available (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is available but no adapter was found');
  const hasSubgroups = adapter.features.has('subgroups');
  const requiredFeatures: GPUFeatureName[] = [];
  if (hasSubgroups) requiredFeatures.push('subgroups' as GPUFeatureName);
  const hasTimestamps = adapter.features.has('timestamp-query');
  if (hasTimestamps) requiredFeatures.push('timestamp-query'); // per-kernel timing in the benchmark's --profile
  // Ask for the adapter's own storage limits: the defaults (128 MiB bindings, 8 storage buffers) are too small
  // for the larger models.
  const L = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
    maxBufferSize: L.maxBufferSize,
    maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
  };
  const device = await adapter.requestDevice({ label, requiredFeatures, requiredLimits });
  const { description, software } = describeAdapter(adapter);
  const lost = device.lost.then((info) => `WebGPU device lost (${info.reason}): ${info.message}`);
  return { device, description, software, hasSubgroups, hasTimestamps, lost };
}
