// Each kernel family alone, on random inputs, against its CPU reference in src/core (the llm.c habit): one
// kernel's dispatch on buffers from the workspace table, read back, compared with a tolerance and a label.
// End-to-end agreement of the whole step is tests/gpu/parity.test.ts; here a failure names the kernel.
import { afterEach, describe, expect, it } from 'vitest';
import { clipGradients } from '../../src/core/clip';
import { lossAndGrad, lossDivisor, lossSelection } from '../../src/core/loss';
import { norm } from '../../src/core/linalg';
import { Network } from '../../src/core/model';
import { applyUpdate, slotCount, type OptimizerKind, type OptimizerOptions } from '../../src/core/optim';
import { l2Penalty } from '../../src/core/penalty';
import { CELLS, findTensor, makeSpec, paramLayout, type LstmVariant, type ModelSpec } from '../../src/core/spec';
import { cellTraits, METRICS_RECORD, workspaceDims } from '../../src/core/workspace';
import { allocateBuffers, writeArray } from '../../src/engine/webgpu/buffers';
import { DispatchCounter } from '../../src/engine/webgpu/kernels/kernel';
import { LossKernel } from '../../src/engine/webgpu/kernels/loss';
import { OptimizerKernel } from '../../src/engine/webgpu/kernels/optimizer';
import { kernelProfile } from '../../src/engine/webgpu/kernels/profile';
import { RecurrentBackwardKernel, RecurrentForwardKernel, recurrentShape } from '../../src/engine/webgpu/kernels/recurrent';
import { FinalizeKernel, GradPartialsKernel, StepNormsKernel } from '../../src/engine/webgpu/kernels/reductions';
import { layerTensors, paramFlags } from '../../src/engine/webgpu/pipelines';
import { GpuResources } from '../../src/engine/webgpu/resources';
import { UniformArena } from '../../src/engine/webgpu/uniforms';
import { Rng, maxRelativeDiff, randomBatch, randomParams, sharedContext } from './helpers';

/** One kernel test's GPU objects: buffers, the uniform arena and a way to run one recording and read back. */
class Bench {
  readonly res: GpuResources;
  readonly arena: UniformArena;
  readonly counter = new DispatchCounter();

  constructor(readonly device: GPUDevice) {
    this.res = new GpuResources(device, 'kernel-test');
    this.arena = new UniformArena(this.res, 16);
  }

  upload(data: Float32Array | Int32Array | Uint32Array): GPUBuffer {
    const buf = this.res.storage('input', data.length);
    writeArray(this.device.queue, buf, data);
    return buf;
  }

  write(buf: GPUBuffer, data: Float32Array | Int32Array | Uint32Array): void {
    writeArray(this.device.queue, buf, data);
  }

  /** Records `body` in one compute pass, submits, and reads each of `reads` back (its first `floats` floats). */
  async run(body: (pass: GPUComputePassEncoder) => void, reads: { buf: GPUBuffer; floats: number }[]): Promise<Float32Array[]> {
    this.arena.reset();
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    body(pass);
    pass.end();
    const staging = reads.map(({ floats }) => this.res.buffer('readback', floats * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
    reads.forEach(({ buf, floats }, i) => encoder.copyBufferToBuffer(buf, 0, staging[i], 0, floats * 4));
    this.arena.upload(this.device.queue);
    this.device.queue.submit([encoder.finish()]);
    return Promise.all(
      staging.map(async (s, i) => {
        await s.mapAsync(GPUMapMode.READ);
        const out = new Float32Array(s.getMappedRange(0, reads[i].floats * 4).slice(0));
        s.unmap();
        return out;
      }),
    );
  }
}

const benches: Bench[] = [];
async function bench(): Promise<Bench> {
  const b = new Bench((await sharedContext()).device);
  benches.push(b);
  return b;
}
afterEach(() => benches.splice(0).forEach((b) => b.res.releaseAll()));

/** Fails with the label and the relative error when GPU and CPU differ by more than `tol`. */
function expectClose(label: string, gpu: ArrayLike<number>, cpu: ArrayLike<number>, tol: number): void {
  const e = maxRelativeDiff(gpu, cpu);
  expect(e <= tol, `${label}: relative error ${e.toExponential(2)} > ${tol}`).toBe(true);
}

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

// -------------------------------------------------------------------------------------------------------------
// The fused recurrence, per cell (and the LSTM variants that change the kernel's path)

const RECURRENT_CASES: { name: string; spec: ModelSpec }[] = [
  ...CELLS.map((cell) => ({ name: cell, spec: makeSpec({ cell, inputSize: 3, hiddenSize: 8, outputSize: 2 }) })),
  ...(['vanilla', 'cifg', 'noaf', 'fgr'] as LstmVariant[]).map((variant) => ({ name: `lstm ${variant}`, spec: makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: 2, variant }) })),
];

describe.each(RECURRENT_CASES)('recurrent kernels: $name', ({ spec }) => {
  const T = 5;
  const B = 3;

  /** The CPU reference's forward (and, given dOut, backward) of a one-layer model, and the GPU's buffers for it. */
  async function setup(seed: number) {
    const rng = new Rng(seed);
    const params = randomParams(spec, rng);
    const layout = paramLayout(spec);
    const net = new Network(spec, Float64Array.from(params), new Float64Array(layout.size));
    const ws = net.newWorkspace(T, B);
    net.loadState(ws, net.zeroState(B));
    const batch = randomBatch(spec, T, B, 'mse', 'all', rng);
    net.forward(ws, batch.x, 0, T);

    const b = await bench();
    const dims = workspaceDims(spec, T, B, layout.size, 1);
    const buffers = allocateBuffers(b.res, 'batch', dims); // fresh buffers are zero: slot 0 is the zero state
    const paramsBuf = b.upload(params);
    const profile = kernelProfile('gpu');
    const shape = recurrentShape(spec, b.device.limits.maxComputeInvocationsPerWorkgroup, profile, b.device.limits.maxComputeWorkgroupStorageSize);
    const forward = await RecurrentForwardKernel.create(b.device, b.arena, b.counter, 'test', spec, shape);
    b.write(buffers.xp[0], f32(ws.traces[0].xp)); // the input projections, as the CPU computed them
    const offsets = layerTensors(spec, layout)[0];
    const forwardGroup = forward.bind('forward', { params: paramsBuf, xp: buffers.xp[0], hs: buffers.hs[0], cs: buffers.cs[0], acts: buffers.acts[0], params4: paramsBuf });
    return { rng, b, net, ws, batch, buffers, paramsBuf, shape, forward, forwardGroup, offsets, layout, cell: cellTraits(spec) };
  }

  it('forward: h_t (and c_t) of every step match the CPU cell', async () => {
    const { b, ws, buffers, forward, forwardGroup, offsets, cell } = await setup(11);
    const H = spec.hiddenSize;
    const [hs, cs] = await b.run((pass) => forward.record(pass, forwardGroup, B, 0, T, offsets), [
      { buf: buffers.hs[0], floats: (T + 1) * B * H },
      { buf: buffers.cs[0], floats: cell.cellState ? (T + 1) * B * H : 1 },
    ]);
    expectClose(`${spec.cell} ${spec.variant} forward h`, hs.subarray(B * H), ws.traces[0].hs, 1e-5);
    if (cell.cellState) expectClose(`${spec.cell} ${spec.variant} forward c`, cs.subarray(B * H), ws.traces[0].extra.cs, 1e-5);
  });

  it('backward: the total ∂L/∂h_t (∂L/∂c_t) and the gate gradients match the CPU cell', async () => {
    const { rng, b, net, ws, batch, buffers, paramsBuf, shape, forward, forwardGroup, offsets, layout, cell } = await setup(12);
    const { hiddenSize: H, outputSize: Y } = spec;
    const GH = cell.G * H;
    // The CPU reference: a random ∂L/∂out, backprop through all T steps.
    for (let i = 0; i < ws.dOut.length; i++) ws.dOut[i] = rng.uniform(-1, 1);
    net.backward(ws, batch.x, 0, T, 0);
    // The kernel's input: ∂L/∂h_t from the head alone, dOut · W_head (what the engine's dhTop GEMM writes).
    const headW = findTensor(layout, 'head_weight', -1)!;
    const dhHead = new Float32Array(T * B * H);
    for (let r = 0; r < T * B; r++) {
      for (let h = 0; h < H; h++) {
        let s = 0;
        for (let y = 0; y < Y; y++) s += ws.dOut[r * Y + y] * net.params[headW.offset + y * H + h];
        dhHead[r * H + h] = s;
      }
    }
    b.write(buffers.dh, dhHead);
    const backward = await RecurrentBackwardKernel.create(b.device, b.arena, b.counter, 'test', spec, shape, false);
    const group = backward.bind('backward', { params: paramsBuf, params4: paramsBuf, hs: buffers.hs[0], cs: buffers.cs[0], acts: buffers.acts[0], dh: buffers.dh, dc: buffers.dc, dG: buffers.dG });
    const dghOff = cell.recurrentGateGrads ? T * B * GH : 0;
    const [dh, dc, dG] = await b.run(
      (pass) => {
        forward.record(pass, forwardGroup, B, 0, T, offsets); // the saved activations the backward reads
        backward.record(pass, group, B, 0, T, offsets, 0, dghOff);
      },
      [
        { buf: buffers.dh, floats: T * B * H },
        { buf: buffers.dc, floats: cell.cellState ? T * B * H : 1 },
        { buf: buffers.dG, floats: (cell.recurrentGateGrads ? 2 : 1) * T * B * GH },
      ],
    );
    const label = `${spec.cell} ${spec.variant} backward`;
    expectClose(`${label} dh`, dh, ws.dh[0], 1e-4);
    if (cell.cellState) expectClose(`${label} dc`, dc, ws.dc![0], 1e-4);
    expectClose(`${label} dG`, dG.subarray(0, T * B * GH), ws.dGi, 1e-4);
    if (cell.recurrentGateGrads) expectClose(`${label} dG (recurrent side)`, dG.subarray(dghOff), ws.dGh, 1e-4);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Loss

describe.each(['mse', 'xent'] as const)('loss kernel: %s', (loss) => {
  it('row losses sum to the CPU loss; dOut matches its gradient, zero in the window before the chunk', async () => {
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 4, outputSize: 3 });
    const [T, B, Y] = [6, 4, spec.outputSize];
    const rng = new Rng(21);
    const batch = randomBatch(spec, T, B, loss, 'all', rng);
    batch.mask = new Float32Array(T * B).map(() => (rng.uniform(0, 1) < 0.25 ? 0 : 1));
    if (batch.labels) batch.labels[5] = -1; // an unlabelled step
    const out = new Float64Array(T * B * Y).map(() => rng.uniform(-2, 2));
    const [w0, t0, t1] = [1, 3, 6]; // backprop window [1, 6), scored chunk [3, 6)
    const dOutCpu = new Float64Array(T * B * Y);
    const ref = lossAndGrad(out, batch, Y, t0, t1, dOutCpu);
    const selected = lossSelection(batch);
    const count = lossDivisor(selected, batch, Y, t0, t1);
    expect(count).toBe(ref.count);

    const b = await bench();
    const buffers = allocateBuffers(b.res, 'batch', workspaceDims(spec, T, B, paramLayout(spec).size, 1));
    b.write(buffers.out, f32(out));
    if (batch.y) b.write(buffers.targets, batch.y);
    if (batch.labels) b.write(buffers.labels, batch.labels);
    b.write(buffers.selected, selected);
    b.write(buffers.dOut, new Float32Array(T * B * Y).fill(7)); // stale values the kernel must overwrite
    const kernel = await LossKernel.create(b.device, b.arena, b.counter, 'test');
    const group = kernel.bind('loss', { outputs: buffers.out, targets: buffers.targets, labels: buffers.labels, selected: buffers.selected, dOut: buffers.dOut, rowLoss: buffers.rowLoss });
    const [dOut, rowLoss] = await b.run((pass) => kernel.record(pass, group, { B, Y, w0, t0, t1, xent: loss === 'xent', count }), [
      { buf: buffers.dOut, floats: T * B * Y },
      { buf: buffers.rowLoss, floats: T * B },
    ]);
    const sum = rowLoss.subarray(t0 * B, t1 * B).reduce((s, v) => s + v, 0);
    expectClose(`${loss} loss sum`, [sum], [ref.sum], 1e-5);
    expectClose(`${loss} dOut`, dOut.subarray(w0 * B * Y, t1 * B * Y), dOutCpu.subarray(w0 * B * Y, t1 * B * Y), 1e-5);
    expect(Array.from(rowLoss.subarray(w0 * B, t0 * B)).every((v) => v === 0), `${loss}: no loss before the chunk`).toBe(true);
    expect(Array.from(dOut.subarray(0, w0 * B * Y)).every((v) => v === 7), `${loss}: rows before the window untouched`).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------------------
// The reductions over the parameters: gradient partials + finalize (L2, norm, clipping, guard), then the optimiser

/** An ESN has fixed reservoir tensors (flag 0) next to a trainable head: both kinds of element are covered. */
const PARAM_SPECS = [makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 6, outputSize: 2, variant: 'vanilla' }), makeSpec({ cell: 'esn', inputSize: 2, hiddenSize: 5, outputSize: 2 })];

async function parameterBuffers(b: Bench, spec: ModelSpec, params: Float32Array, grads: Float32Array) {
  const layout = paramLayout(spec);
  const profile = kernelProfile('software');
  const model = allocateBuffers(b.res, 'model', workspaceDims(spec, 0, 0, layout.size, profile.parameterWorkgroups(layout.size)));
  b.write(model.params, params);
  b.write(model.grads, grads);
  b.write(model.flags, paramFlags(layout));
  return { layout, profile, model };
}

describe.each([
  { clip: 'none', threshold: Infinity, l2: 0, maxNorm: Infinity },
  { clip: 'norm', threshold: 0.5, l2: 0.01, maxNorm: Infinity },
  { clip: 'value', threshold: 0.05, l2: 0.01, maxNorm: Infinity },
  { clip: 'norm', threshold: 0.5, l2: 0, maxNorm: 0.1 }, // over the guard: no update
] as const)('gradient reduction and finalize: clip $clip, l2 $l2, guard $maxNorm', ({ clip, threshold, l2, maxNorm }) => {
  it.each(PARAM_SPECS.map((s) => [s.cell, s] as const))('%s: the chunk record and the L2-added gradient match core/clip and core/penalty', async (_cell, spec) => {
    const rng = new Rng(31);
    const P = paramLayout(spec).size;
    const params = new Float32Array(P).map(() => rng.uniform(-1, 1));
    const grads = new Float32Array(P).map(() => rng.uniform(-0.2, 0.2));
    const [T, B, t0, t1] = [4, 3, 1, 3];
    const rowLoss = new Float32Array(T * B).map(() => rng.uniform(0, 1));
    const b = await bench();
    const { layout, profile, model } = await parameterBuffers(b, spec, params, grads);
    const batch = allocateBuffers(b.res, 'batch', workspaceDims(spec, T, B, P, 1));
    b.write(batch.rowLoss, rowLoss);
    const partials = await GradPartialsKernel.create(b.device, b.arena, b.counter, 'test', profile);
    const finalize = await FinalizeKernel.create(b.device, b.arena, b.counter, 'test', profile);
    const partialsGroup = partials.bind('partials', { params: model.params, grads: model.grads, flags: model.flags, partials: model.partials });
    const finalizeGroup = finalize.bind('finalize', { partials: model.partials, rowLoss: batch.rowLoss, omegaTerms: batch.omegaTerms, metrics: batch.metrics, counter: model.counter });
    const chunk = 1;
    const [gotGrads, metrics, counter] = await b.run(
      (pass) => {
        partials.record(pass, partialsGroup, P, l2, threshold);
        finalize.record(pass, finalizeGroup, { B, t0, t1, chunk, P, clipMode: clip, doUpdate: true, l2, threshold, omegaRows: 0, maxNorm });
      },
      [{ buf: model.grads, floats: P }, { buf: batch.metrics, floats: T * METRICS_RECORD.floats }, { buf: model.counter, floats: 1 }],
    );
    // The CPU reference: L2 into the gradient, then the clip (which reports the norm and the factor).
    const g = Float64Array.from(grads);
    const penalty = l2Penalty(Float64Array.from(params), g, layout, l2);
    const withL2 = Float64Array.from(g);
    const ref = clipGradients(g, layout, clip, threshold);
    const label = `clip ${clip} (${spec.cell})`;
    expectClose(`${label} gradient with L2`, gotGrads, withL2, 1e-6);
    const r = chunk * METRICS_RECORD.floats;
    const lossSum = rowLoss.subarray(t0 * B, t1 * B).reduce((s, v) => s + v, 0);
    expectClose(`${label} loss sum`, [metrics[r + METRICS_RECORD.lossSum]], [lossSum], 1e-5);
    expectClose(`${label} penalty`, [metrics[r + METRICS_RECORD.penalty]], [penalty], 1e-5);
    expectClose(`${label} gradient norm²`, [metrics[r + METRICS_RECORD.gradNormSq]], [ref.norm * ref.norm], 1e-5);
    expectClose(`${label} clip factor`, [metrics[r + METRICS_RECORD.clipFactor]], [ref.factor], 1e-5);
    expect(metrics[r + METRICS_RECORD.finite]).toBe(1);
    const guarded = ref.norm > maxNorm;
    expect(metrics[r + METRICS_RECORD.guarded]).toBe(guarded ? 1 : 0);
    expect(counter[0], 'the update count moves only when the update will happen').toBe(guarded ? 0 : 1);
    expect(Array.from(metrics.subarray(0, METRICS_RECORD.floats)).every((v) => v === 0), 'other chunks’ records untouched').toBe(true);
  });
});

describe('finalize: a non-finite gradient', () => {
  it('is reported (finite = 0) and does not count an update', async () => {
    const spec = PARAM_SPECS[0];
    const P = paramLayout(spec).size;
    const grads = new Float32Array(P).fill(0.1);
    grads[3] = NaN;
    const b = await bench();
    const { profile, model } = await parameterBuffers(b, spec, new Float32Array(P).fill(0.5), grads);
    const batch = allocateBuffers(b.res, 'batch', workspaceDims(spec, 1, 1, P, 1));
    const partials = await GradPartialsKernel.create(b.device, b.arena, b.counter, 'test', profile);
    const finalize = await FinalizeKernel.create(b.device, b.arena, b.counter, 'test', profile);
    const [metrics, counter] = await b.run(
      (pass) => {
        partials.record(pass, partials.bind('p', { params: model.params, grads: model.grads, flags: model.flags, partials: model.partials }), P, 0, 1);
        finalize.record(pass, finalize.bind('f', { partials: model.partials, rowLoss: batch.rowLoss, omegaTerms: batch.omegaTerms, metrics: batch.metrics, counter: model.counter }), {
          B: 1, t0: 0, t1: 1, chunk: 0, P, clipMode: 'norm', doUpdate: true, l2: 0, threshold: 1, omegaRows: 0, maxNorm: Infinity,
        });
      },
      [{ buf: batch.metrics, floats: METRICS_RECORD.floats }, { buf: model.counter, floats: 1 }],
    );
    expect(metrics[METRICS_RECORD.finite]).toBe(0);
    expect(counter[0]).toBe(0);
  });
});

const OPTIMIZERS: OptimizerOptions[] = (['sgd', 'momentum', 'rmsprop', 'adam'] as OptimizerKind[]).map((kind) => ({
  kind, lr: 0.05, momentum: 0.9, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8,
}));

describe.each(OPTIMIZERS.flatMap((opt) => (['norm', 'value'] as const).map((clip) => ({ opt, clip, name: `${opt.kind}, clip ${clip}` }))))('optimizer kernel: $name', ({ opt, clip }) => {
  it.each(PARAM_SPECS.map((s) => [s.cell, s] as const))('%s: parameters, clipped gradient and slots match core/optim', async (_cell, spec) => {
    const rng = new Rng(41);
    const P = paramLayout(spec).size;
    const params = new Float32Array(P).map(() => rng.uniform(-1, 1));
    const grads = new Float32Array(P).map(() => rng.uniform(-0.5, 0.5));
    const slots = [new Float32Array(P).map(() => rng.uniform(-0.1, 0.1)), new Float32Array(P).map(() => rng.uniform(0, 0.01))];
    if (opt.kind === 'rmsprop') slots[0] = slots[0].map(Math.abs); // a running square average is ≥ 0
    const [step, factor, threshold] = [3, 0.7, 0.2];
    const b = await bench();
    const { layout, profile, model } = await parameterBuffers(b, spec, params, grads);
    b.write(model.slot0, slots[0]);
    b.write(model.slot1, slots[1]);
    b.write(model.counter, new Float32Array([step]));
    // The chunk record finalize would have written: this factor, finite, not guarded, a nonzero norm.
    const record = new Float32Array(2 * METRICS_RECORD.floats);
    const r = METRICS_RECORD.floats; // chunk 1
    record[r + METRICS_RECORD.gradNormSq] = 1;
    record[r + METRICS_RECORD.clipFactor] = factor;
    record[r + METRICS_RECORD.finite] = 1;
    const metrics = b.upload(record);
    const kernel = await OptimizerKernel.create(b.device, b.arena, b.counter, 'test', profile);
    const group = kernel.bind('optimizer', { params: model.params, grads: model.grads, flags: model.flags, slot0: model.slot0, slot1: model.slot1, metrics, counter: model.counter });
    const [gotParams, gotGrads, slot0, slot1] = await b.run((pass) => kernel.record(pass, group, { P, chunk: 1, opt, clipMode: clip, threshold, doUpdate: true }), [
      { buf: model.params, floats: P },
      { buf: model.grads, floats: P },
      { buf: model.slot0, floats: P },
      { buf: model.slot1, floats: P },
    ]);
    // The CPU reference: the clip finalize decided (by norm: the factor; by value: the clamp), then one update.
    const g = Float64Array.from(grads);
    for (const t of layout.tensors) {
      if (!t.trainable) continue;
      for (let i = t.offset; i < t.offset + t.size; i++) g[i] = clip === 'norm' ? g[i] * factor : Math.min(threshold, Math.max(-threshold, g[i]));
    }
    const p = Float64Array.from(params);
    const s = slots.slice(0, slotCount(opt.kind)).map((x) => Float64Array.from(x));
    applyUpdate(p, g, s, step, opt, layout);
    const label = `${opt.kind} clip ${clip} (${spec.cell})`;
    expectClose(`${label} clipped gradient`, gotGrads, g, 1e-6);
    expectClose(`${label} parameters`, gotParams, p, 1e-5);
    if (s[0]) expectClose(`${label} slot 0`, slot0, s[0], 1e-5);
    if (s[1]) expectClose(`${label} slot 1`, slot1, s[1], 1e-5);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Step norms

describe.each([
  { name: 'plain tree', profile: 'gpu', subgroups: false },
  { name: 'software profile', profile: 'software', subgroups: false },
  { name: 'subgroupAdd (where the adapter has subgroups)', profile: 'gpu', subgroups: true },
] as const)('step norms kernel: $name', ({ profile, subgroups }) => {
  it('‖dh_t‖ and ‖dc_t‖ per layer over the window match core/linalg norm, down to tiny magnitudes', async () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 7, outputSize: 1, numLayers: 2 });
    const [T, B, L, H] = [6, 3, 2, spec.hiddenSize];
    const rng = new Rng(51);
    // Step t is scaled by 10^(−6t): the last steps' squares are below float32's smallest normal.
    const values = () => Float32Array.from({ length: L * T * B * H }, (_, i) => rng.uniform(-1, 1) * 10 ** (-6 * (Math.floor(i / (B * H)) % T)));
    const dh = values();
    const dc = values();
    const [t0, t1] = [1, 6];
    const b = await bench();
    const buffers = allocateBuffers(b.res, 'batch', workspaceDims(spec, T, B, paramLayout(spec).size, 1));
    b.write(buffers.dh, dh);
    b.write(buffers.dc, dc);
    const kernel = await StepNormsKernel.create(b.device, b.arena, b.counter, 'test', kernelProfile(profile, subgroups && (await sharedContext()).hasSubgroups));
    const outOff = T * METRICS_RECORD.floats;
    const [metrics] = await b.run(
      (pass) => kernel.record(pass, kernel.bind('norms', { dh: buffers.dh, dc: buffers.dc, norms: buffers.metrics }), { T, B, H, L, t0, t1, outOff, withCells: true }),
      [{ buf: buffers.metrics, floats: outOff + 2 * L * T }],
    );
    for (const [kind, src] of [[0, dh], [1, dc]] as const) {
      for (let l = 0; l < L; l++) {
        for (let t = 0; t < T; t++) {
          const got = metrics[outOff + (kind * L + l) * T + t];
          const base = (l * T + t) * B * H;
          const want = t >= t0 && t < t1 ? norm(Float64Array.from(src.subarray(base, base + B * H))) : 0;
          const label = `${kind ? 'dc' : 'dh'} layer ${l} step ${t}`;
          expect(Math.abs(got - want) <= 1e-5 * want, `${label}: gpu ${got} vs cpu ${want}`).toBe(true);
        }
      }
    }
  });
});
