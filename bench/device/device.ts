// The entry point of the GPU-machine pack: bundled by bench/device/pack.mjs into pack/device.mjs and run
// by bench/device/run.sh with a packed Node. One file, several subcommands:
//   bench [rnnlab bench args]   the repository's own `rnnlab bench` (src/cli/bench.ts), unchanged
//   parity [--only W2] [--kernels gpu|software] [--T 8]
//                               one step (update off) of each named workload on the WebGPU engine and on the CPU
//                               engine (float64), from the same parameters and batch: loss and gradients compared;
//                               --T N runs the large workloads (W4) at N timesteps, so the CPU step stays short
//   floors [--flops R] [--bandwidth R]
//                               per workload: FLOPs and fewest bytes per step, over the chip's rates (H200 default)
//   workloads                   the workloads as JSON lines (pack.mjs checks torch_peer.py's copy against them)
//   not-measured                one JSON line per workload for the peers that cannot run on the GPU machine
//   table FILE...               a table from the JSON lines of the other subcommands and of torch_peer.py
import { readFileSync } from 'node:fs';
import { WORKLOADS, BENCH_OPTIONS, flopsPerStep, workloadData, type Workload } from '../workloads';
import { runBench } from '../../src/cli/bench';
import { gateCount, paramLayout } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions } from '../../src/engine/engine';
import { acquireDevice } from '../../src/engine/webgpu/device';
import type { ProfileName } from '../../src/engine/webgpu/kernels/profile';
import { nodeGpu } from '../../src/engine/webgpu/nodeGpu';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';

/**
 * The H200's ceilings, from /work/.library/device: plain fp32 about 67 TFLOP/s (H200.md, the datasheet's; not
 * measured here); a device-to-device copy moved about 4.3 TB/s counting bytes read and written (KINDS.md, measured
 * on that machine 2026-10-28 and 2026-11-04). WGSL has no matrix-unit instructions, so fp32 FMA is our ceiling.
 */
export const H200 = { fp32FlopsPerSec: 67e12, bytesPerSec: 4.3e12 };

const value = (args: string[], flag: string): string | null => {
  const i = args.indexOf(flag);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
};

const pick = (args: string[]): Workload[] => {
  const only = value(args, '--only');
  const names = only ? only.split(',').map((s) => s.trim().toUpperCase()) : null;
  return WORKLOADS.filter((w) => !names || names.includes(w.name));
};

const round = (v: number, digits = 4) => Number(v.toPrecision(digits));

/** Parameters of a one-layer model, from the layout both engines and the file format use. */
function paramCount(w: Workload): number {
  return workloadData(w).params.length;
}

/**
 * The fewest bytes one training step must move through device memory: x and y read once; parameters, Adam's m
 * and v each read once and written once (the gradient can stay on chip in the ideal). `saved` adds what a
 * real BPTT keeps between forward and backward: gate activations (T, B, G·H), h and (LSTM) c (T, B, H), each
 * written once and read once.
 */
export function bytesPerStep(w: Workload): { min: number; saved: number; params: number } {
  const P = paramCount(w);
  const G = gateCount(w.cell);
  const io = w.T * w.B * (w.X + w.Y);
  const min = 4 * (io + 6 * P);
  const states = w.cell === 'lstm' ? 2 : 1;
  const saved = 4 * 2 * w.T * w.B * (G * w.H + states * w.H);
  return { min, saved, params: P };
}

export function floorOf(w: Workload, rate = H200) {
  const flops = flopsPerStep(w);
  const bytes = bytesPerStep(w);
  const computeMs = (flops / rate.fp32FlopsPerSec) * 1e3;
  const memoryMs = (bytes.min / rate.bytesPerSec) * 1e3;
  const memorySavedMs = ((bytes.min + bytes.saved) / rate.bytesPerSec) * 1e3;
  return { flops, bytes, computeMs, memoryMs, memorySavedMs, floorMs: Math.max(computeMs, memoryMs) };
}

function floorsCommand(args: string[]): void {
  const rate = {
    fp32FlopsPerSec: Number(value(args, '--flops') ?? H200.fp32FlopsPerSec),
    bytesPerSec: Number(value(args, '--bandwidth') ?? H200.bytesPerSec),
  };
  for (const w of pick(args)) {
    const f = floorOf(w, rate);
    console.log(
      JSON.stringify({
        workload: w.name,
        what: 'floor',
        flopsPerStep: f.flops,
        params: f.bytes.params,
        minBytesPerStep: f.bytes.min,
        savedActivationBytes: f.bytes.saved,
        fp32FlopsPerSec: rate.fp32FlopsPerSec,
        bytesPerSec: rate.bytesPerSec,
        computeMs: round(f.computeMs),
        memoryMs: round(f.memoryMs),
        memoryWithSavedMs: round(f.memorySavedMs),
        floorMs: round(f.floorMs),
        bound: f.computeMs >= f.memoryMs ? 'compute' : 'memory',
        serialSteps: 2 * w.T,
      }),
    );
  }
}

function workloadsCommand(): void {
  for (const w of WORKLOADS) console.log(JSON.stringify({ ...w, large: !!w.large, flopsPerStep: flopsPerStep(w) }));
}

const BROWSER_ONLY = 'TF.js-webgpu needs a browser (navigator.gpu); the GPU machine has no browser and no display, so it is not run there';

function notMeasuredCommand(args: string[]): void {
  for (const w of pick(args)) console.log(JSON.stringify({ workload: w.name, engine: 'tfjs-webgpu', where: 'browser', measured: false, reason: BROWSER_ONLY }));
}

/** ‖a − b‖ / ‖b‖ and max|a − b| / max|b| (the tests' measure). */
function diffs(a: ArrayLike<number>, b: ArrayLike<number>): { frobenius: number; maxRel: number } {
  let d2 = 0;
  let b2 = 0;
  let dMax = 0;
  let bMax = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i] - b[i];
    d2 += d * d;
    b2 += b[i] * b[i];
    dMax = Math.max(dMax, Math.abs(d));
    bMax = Math.max(bMax, Math.abs(b[i]));
  }
  return { frobenius: Math.sqrt(d2 / Math.max(b2, 1e-300)), maxRel: dMax / Math.max(bMax, 1e-30) };
}

/** float32 arithmetic lands far under 1e-3 (METHOD.md); NaN never passes. */
const PARITY_TOLERANCE = 1e-3;

async function parityCommand(args: string[]): Promise<number> {
  const kernels = value(args, '--kernels') as ProfileName | null;
  if (kernels && kernels !== 'gpu' && kernels !== 'software') throw new Error(`--kernels must be gpu or software (got ${kernels})`);
  const ctx = await acquireDevice(await nodeGpu(), 'rnnlab-device-parity');
  console.error(`# parity adapter: ${ctx.description}`);
  const opts: StepOptions = { ...BENCH_OPTIONS, update: false };
  let failed = 0;
  const shortT = value(args, '--T');
  for (const full of pick(args)) {
    // --T N: the large workloads (W4) at N steps, same X, H, B, Y and kernels: the CPU engine's step stays short.
    const w = shortT && full.large ? { ...full, T: Math.min(full.T, Number(shortT)) } : full;
    const { spec, params, batch } = workloadData(w, 7);
    const gpu = new WebGpuEngine({ context: ctx, ...(kernels ? { profile: kernels } : {}) });
    const cpu = new CpuEngine();
    await gpu.init(spec, params);
    await cpu.init(spec, params);
    let start = performance.now();
    const a = await gpu.step(batch, opts, true);
    const gpuMs = performance.now() - start;
    start = performance.now();
    const b = await cpu.step(batch, opts, true);
    const cpuMs = performance.now() - start;
    const grads = diffs(a.grads!, b.grads!);
    const perTensor: Record<string, number> = {};
    for (const t of paramLayout(spec).tensors) {
      perTensor[t.name] = round(diffs(a.grads!.subarray(t.offset, t.offset + t.size), b.grads!.subarray(t.offset, t.offset + t.size)).frobenius, 3);
    }
    const dh = diffs(a.dhNorm[0], b.dhNorm[0]);
    const lossRel = Math.abs(a.loss - b.loss) / Math.abs(b.loss);
    const ok = [lossRel, grads.frobenius, grads.maxRel, dh.maxRel].every((v) => Number.isFinite(v) && v < PARITY_TOLERANCE);
    if (!ok) failed++;
    console.log(
      JSON.stringify({
        workload: w.name,
        what: 'parity',
        T: w.T,
        kernels: kernels ?? (ctx.software ? 'software' : 'gpu'),
        adapter: ctx.description,
        lossWebgpu: a.loss,
        lossCpu: b.loss,
        lossRel: round(lossRel, 3),
        gradRelFrobenius: round(grads.frobenius, 3),
        gradMaxRel: round(grads.maxRel, 3),
        dhNormMaxRel: round(dh.maxRel, 3),
        worstTensor: Object.entries(perTensor).sort((x, y) => y[1] - x[1])[0],
        tolerance: PARITY_TOLERANCE,
        ok,
        firstStepMs: { webgpu: round(gpuMs, 3), cpu: round(cpuMs, 3) },
      }),
    );
    gpu.dispose();
    cpu.dispose();
  }
  ctx.device.destroy();
  return failed ? 1 : 0;
}

type Row = Record<string, unknown>;

function tableCommand(files: string[]): void {
  const rows: Row[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        rows.push(JSON.parse(line) as Row);
      } catch {
        /* not one of ours */
      }
    }
  }
  const timed = rows.filter((r) => typeof r.msPerStep === 'number' && !r.what);
  const cudnn = (w: string) => timed.find((r) => r.workload === w && r.engine === 'torch-cudnn')?.msPerStep as number | undefined;
  const out: string[] = [];
  out.push('| workload | engine | ms/step | dispatches/step | GFLOP/s | H200 floor ms | × H200 floor | × cuDNN (ms/ms) |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const w of WORKLOADS) {
    const floor = floorOf(w).floorMs;
    const mine = timed.filter((r) => r.workload === w.name);
    for (const r of mine) {
      const ms = r.msPerStep as number;
      const peer = cudnn(w.name);
      const vsPeer = r.engine === 'torch-cudnn' || peer === undefined ? '' : `${round(ms / peer, 3)}×`;
      out.push(`| ${w.name} | ${r.engine} | ${ms} | ${r.dispatchesPerStep ?? '—'} | ${r.gflops} | ${round(floor, 3)} | ${round(ms / floor, 3)}× | ${vsPeer} |`);
    }
    for (const r of rows.filter((x) => x.workload === w.name && x.measured === false)) {
      out.push(`| ${w.name} | ${r.engine} | not measured | | | | | ${String(r.reason ?? '')} |`);
    }
  }
  for (const r of rows.filter((x) => x.workload === undefined && x.measured === false)) out.push(`| all | ${r.engine} | not measured | | | | | ${String(r.reason ?? '')} |`);
  const parity = rows.filter((r) => r.what === 'parity');
  if (parity.length) {
    out.push('');
    out.push('| parity | kernels | loss rel | grad ‖Δ‖/‖ref‖ | grad max rel | ‖∂L/∂h_t‖ max rel | ok |');
    out.push('|---|---|---|---|---|---|---|');
    for (const p of parity) out.push(`| ${p.workload} | ${p.kernels} | ${p.lossRel} | ${p.gradRelFrobenius} | ${p.gradMaxRel} | ${p.dhNormMaxRel} | ${p.ok} |`);
  }
  const adapters = [...new Set(timed.map((r) => r.adapter).filter((a) => !!a))];
  if (adapters.length) out.push('', `adapters: ${adapters.join('; ')}`);
  out.push(`H200 floor: max(FLOPs / ${H200.fp32FlopsPerSec / 1e12} TFLOP/s fp32, fewest bytes / ${H200.bytesPerSec / 1e12} TB/s) per step, whatever adapter ran (device.mjs floors)`);
  console.log(out.join('\n'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'bench':
      await runBench(args);
      return 0;
    case 'parity':
      return parityCommand(args);
    case 'floors':
      floorsCommand(args);
      return 0;
    case 'workloads':
      workloadsCommand();
      return 0;
    case 'not-measured':
      notMeasuredCommand(args);
      return 0;
    case 'table':
      tableCommand(args);
      return 0;
    default:
      console.error('usage: device.mjs bench|parity|floors|workloads|not-measured|table … (see bench/device/README.md)');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (status) => process.stdout.write('', () => process.exit(status)), // Dawn keeps the event loop alive
  (e: Error) => {
    console.error(`device.mjs: ${e?.stack ?? e}`);
    process.exit(2);
  },
);
