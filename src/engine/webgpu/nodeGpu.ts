// WebGPU in Node through Dawn (the npm package `webgpu`). Imported only from Node code paths (CLI, tests,
// benchmark runner), never from the page bundle. Without a Vulkan driver set, it points the Vulkan loader at
// Chromium's SwiftShader ICD, which is what this project's machines and CI have.
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let cached: GPU | null = null;

/** The process-wide GPU object (creating more than one Dawn instance per process wastes memory). */
export async function nodeGpu(): Promise<GPU> {
  if (cached) return cached;
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, … as in a browser
  cached = create([]);
  return cached;
}
