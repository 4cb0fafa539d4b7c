// The engines the CLI can run on. The WebGPU engine is loaded only when asked for, so the CPU path never
// needs a GPU, Dawn, or even the WebGPU sources.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import type { Engine } from '../engine/engine';
import { CliError } from './args';

export async function createEngine(kind: 'cpu' | 'webgpu'): Promise<Engine> {
  if (kind === 'cpu') return new CpuEngine();
  const { WebGpuEngine } = await import('../engine/webgpu/webgpuEngine');
  let gpu: GPU;
  quietVulkanLoader();
  try {
    const { nodeGpu } = await import('../engine/webgpu/nodeGpu');
    gpu = await nodeGpu();
  } catch (e) {
    throw new CliError(`--engine webgpu: WebGPU is not available in Node here (the "webgpu" package failed to load: ${firstLine(e)})`);
  }
  return new WebGpuEngine({ gpu });
}

/**
 * Without XDG_RUNTIME_DIR (headless machines, CI) the Vulkan/Dawn stack prints "error: XDG_RUNTIME_DIR is invalid"
 * twice on stderr though nothing is wrong; give it a private directory so the CLI's stderr stays meaningful.
 */
function quietVulkanLoader(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  try {
    const dir = join(tmpdir(), `rnnlab-xdg-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  } catch {
    // harmless: only the warning stays
  }
}

/** Runs engine.init, turning a missing adapter or device into a clear one-line error. */
export async function initEngine(engine: Engine, init: () => Promise<void>): Promise<void> {
  try {
    await init();
  } catch (e) {
    if (engine.kind === 'webgpu') throw new CliError(`--engine webgpu: ${firstLine(e)}`);
    throw e;
  }
}

export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
