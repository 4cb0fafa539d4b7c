// `rnnlab bench`: steps/s, ms/step, dispatches/step and effective GFLOP/s of our CPU and WebGPU engines on the
// workloads of bench/workloads.ts, one JSON line per (workload, engine). With --browser it also runs the same workloads
// in headless Chromium (WebGPU) next to TensorFlow.js (cpu and webgpu backends) and prints our ratio.
//   --quick      short measurements (about a second each)
//   --all        include W4 even on a software adapter
//   --browser    also run the browser page (playwright-core + vite)
//   --only W1,W2 restrict the workloads
//   --engines cpu,webgpu   restrict our engines
//   --profile    also print the WebGPU engine's time per kernel (timestamp queries)
//   --connectivity  also time the connectivity view (one output step, and the heat map) on each engine
import { BENCH_OPTIONS, WORKLOADS, benchConnectivity, benchEngine, benchLine, type BenchLine, type Workload } from '../../bench/workloads';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import type { Engine } from '../engine/engine';
import { acquireDevice } from '../engine/webgpu/device';
import { nodeGpu } from '../engine/webgpu/nodeGpu';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine';

export interface BenchArgs {
  quick: boolean;
  all: boolean;
  browser: boolean;
  only: string[] | null;
  engines: string[];
  profile: boolean;
  connectivity: boolean;
  peers: boolean; // with --browser: also TF.js
}

export function parseBenchArgs(args: string[]): BenchArgs {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
  };
  const only = value('--only');
  return {
    quick: args.includes('--quick'),
    all: args.includes('--all'),
    browser: args.includes('--browser'),
    profile: args.includes('--profile'),
    connectivity: args.includes('--connectivity'),
    peers: !args.includes('--no-peers'),
    only: only ? only.split(',').map((s) => s.trim().toUpperCase()) : null,
    engines: (value('--engines') ?? 'cpu,webgpu').split(',').map((s) => s.trim()),
  };
}

export function selectWorkloads(a: BenchArgs, softwareAdapter: boolean): Workload[] {
  return WORKLOADS.filter((w) => (a.only ? a.only.includes(w.name) : !w.large || a.all || !softwareAdapter));
}

export const BENCH_USAGE = `rnnlab bench [--quick] [--all] [--browser] [--profile] [--connectivity] [--only W1,W2] [--engines cpu,webgpu]
  Steps/s, ms/step, dispatches/step and effective GFLOP/s of our engines, one JSON line per (workload, engine):
  W1 tanh RNN X=1 H=32 T=100 B=16 Y=1 · W2 char LSTM X=65 H=128 T=64 B=32 Y=65 ·
  W3 LSTM X=2 H=64 T=400 B=32 Y=1 · W4 LSTM X=128 H=512 T=100 B=64 Y=128 (real GPUs, or --all).
  --quick    about a second per measurement     --browser  also headless Chromium with TF.js (cpu, webgpu)
  --profile  WebGPU time per kernel             --only     pick workloads    --engines  pick our engines
  --no-peers with --browser: our engines only (TF.js on a software adapter takes minutes per workload)
  --connectivity  also time the connectivity view on each engine: ‖∂y_t/∂x_s‖ for the last t, and the heat map`;

export async function runBench(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(BENCH_USAGE);
    return;
  }
  const a = parseBenchArgs(args);
  const timing = a.quick ? { warmup: 1, seconds: 1, minSteps: 2, maxSteps: 50 } : { warmup: 2, seconds: 4, minSteps: 3, maxSteps: 500 };
  const ctx = a.engines.includes('webgpu') ? await acquireDevice(await nodeGpu(), 'rnnlab-bench').catch((e: Error) => (console.error(`# WebGPU unavailable: ${e.message}`), null)) : null;
  const software = ctx?.software ?? true;
  const workloads = selectWorkloads(a, software);
  const lines: BenchLine[] = [];
  const print = (l: BenchLine) => {
    lines.push(l);
    console.log(JSON.stringify(l));
  };
  if (ctx) console.error(`# adapter: ${ctx.description}; subgroups ${ctx.hasSubgroups}`);
  for (const w of workloads) {
    if (a.engines.includes('cpu')) {
      const cpu: Engine = new CpuEngine();
      const t = await benchEngine(cpu, w, a.quick ? { ...timing, maxSteps: 3, minSteps: 1 } : timing);
      print(benchLine(w, 'rnnlab-cpu', 'node', t, 0));
      if (a.connectivity) console.log(JSON.stringify(await benchConnectivity(cpu, 'rnnlab-cpu', w)));
      cpu.dispose();
    }
    if (ctx) {
      const gpu = new WebGpuEngine({ context: ctx });
      const t = await benchEngine(gpu, w, timing);
      print(benchLine(w, 'rnnlab-webgpu', 'node', t, gpu.stats().dispatchesPerStep, ctx.description));
      if (a.connectivity) console.log(JSON.stringify(await benchConnectivity(gpu, 'rnnlab-webgpu', w)));
      gpu.dispose();
      if (a.profile) {
        const timed = new WebGpuEngine({ context: ctx, timeKernels: true });
        await benchEngine(timed, w, { warmup: 1, seconds: 0, minSteps: 2, maxSteps: 2 });
        console.log(JSON.stringify({ workload: w.name, engine: 'rnnlab-webgpu', kernelMsPerStep: timed.kernelTimes() }));
        timed.dispose();
      }
    }
  }
  if (a.browser) {
    const { runBrowserBench } = await import('../../bench/browser');
    for (const l of await runBrowserBench(a, workloads)) print(l);
  }
  void BENCH_OPTIONS;
  ctx?.device.destroy();
}
