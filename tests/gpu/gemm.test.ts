// The GEMM kernel (shaders/gemm.wgsl) on its own, both variants, against a float64 product: shapes that are
// not multiples of the tile or block, one-row and one-column products, transposed and offset views, a bias,
// the row sums of A (the fused bias gradient), and a grid past the most workgroups along x (it wraps into y).
import { afterAll, describe, expect, it } from 'vitest';
import { DispatchCounter } from '../../src/engine/webgpu/kernels/kernel';
import { GemmKernel, rowMajor, transposed, type GemmCall, type GemmVariant, type MatView } from '../../src/engine/webgpu/kernels/gemm';
import { GpuResources } from '../../src/engine/webgpu/resources';
import { UniformArena } from '../../src/engine/webgpu/uniforms';
import { Rng, maxRelativeDiff, sharedContext } from './helpers';

const resources: GpuResources[] = [];
afterAll(() => resources.forEach((r) => r.releaseAll()));

/** Elements a view must cover to address (rows, cols). */
const extent = (v: MatView, rows: number, cols: number) => v.off + (rows - 1) * v.rowStride + (cols - 1) * v.colStride + 1;

/** Runs one product on the GPU and returns C (M rows of cRowStride, the rest of the buffer as written). */
async function gpuProduct(variant: GemmVariant, c: GemmCall, a: Float32Array<ArrayBuffer>, b: Float32Array<ArrayBuffer>, bias: Float32Array<ArrayBuffer>, cInit: Float32Array<ArrayBuffer>): Promise<Float32Array> {
  const { device } = await sharedContext();
  const res = new GpuResources(device, 'gemm-test');
  resources.push(res);
  const arena = new UniformArena(res, 4);
  const kernel = await GemmKernel.create(device, arena, new DispatchCounter(), 'test', variant);
  const upload = (data: Float32Array<ArrayBuffer>) => {
    const buf = res.storage('x', data.length);
    device.queue.writeBuffer(buf, 0, data);
    return buf;
  };
  const out = upload(cInit);
  const group = kernel.bind('g', { A: upload(a), Bm: upload(b), bias: upload(bias), C: out });
  const readback = res.buffer('readback', cInit.length * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  kernel.record(pass, group, c);
  pass.end();
  enc.copyBufferToBuffer(out, 0, readback, 0, cInit.length * 4);
  arena.upload(device.queue);
  device.queue.submit([enc.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(readback.getMappedRange(0, cInit.length * 4).slice(0));
  readback.unmap();
  res.releaseAll();
  return got;
}

interface Shape {
  name: string;
  M: number;
  N: number;
  K: number;
  a: (M: number, K: number) => MatView;
  b: (K: number, N: number) => MatView;
  bias?: boolean;
  cOff?: number;
  cPad?: number; // extra elements per output row (cRowStride = N + cPad)
  only?: GemmVariant;
  rowSum?: boolean; // also Σ_k A[row, k] into C after the outputs
}

const shapes: Shape[] = [
  { name: '8-aligned, plain views', M: 16, N: 24, K: 8, a: (_, K) => rowMajor(0, K), b: (_, N) => rowMajor(0, N) },
  { name: 'odd sides, offsets, bias, weights transposed', M: 37, N: 23, K: 19, a: (_, K) => rowMajor(3, K), b: (K) => transposed(5, K), bias: true, cOff: 4, cPad: 2, rowSum: true },
  { name: 'dW = dGᵀ·X (A transposed)', M: 13, N: 29, K: 41, a: (M) => transposed(7, M), b: (_, N) => rowMajor(2, N), cPad: 3, rowSum: true },
  { name: 'both transposed', M: 9, N: 10, K: 17, a: (M) => transposed(1, M), b: (K) => transposed(0, K), bias: true },
  { name: 'one output column (a one-output head)', M: 45, N: 1, K: 12, a: (_, K) => rowMajor(0, K), b: (K) => transposed(2, K), bias: true, rowSum: true },
  { name: 'one output row', M: 1, N: 19, K: 70, a: (M) => transposed(0, M), b: (_, N) => rowMajor(1, N), rowSum: true },
  { name: 'two output columns, long K', M: 30, N: 2, K: 300, a: (M) => transposed(0, M), b: (_, N) => rowMajor(0, N), rowSum: true },
  { name: 'K = 1', M: 11, N: 7, K: 1, a: (_, K) => rowMajor(0, K), b: (_, N) => rowMajor(0, N), bias: true },
  // 8×8 blocks, 4 per workgroup: 264 × 128 blocks = 8448 workgroups, past the 4096 along x (the tiled
  // variant's grid is 2-D and far from its limits; it would only make the suite slower).
  { name: 'grid wrapping into y', M: 8 * 264, N: 8 * 128, K: 2, a: (_, K) => rowMajor(0, K), b: (_, N) => rowMajor(0, N), only: 'direct' },
];

describe('GEMM kernel against a float64 product', () => {
  for (const variant of ['direct', 'tiled'] as const) {
    for (const s of shapes.filter((x) => (x.only ?? variant) === variant)) {
      it(`${variant}: ${s.name} (${s.M}×${s.N}, K = ${s.K})`, async () => {
        const rng = new Rng(11);
        const av = s.a(s.M, s.K);
        const bv = s.b(s.K, s.N);
        const random = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
        const a = random(extent(av, s.M, s.K) + 3);
        const b = random(extent(bv, s.K, s.N) + 3);
        const bias = random(s.N + 2);
        const cOff = s.cOff ?? 0;
        const cRowStride = s.N + (s.cPad ?? 0);
        const rowSumOff = s.rowSum ? cOff + s.M * cRowStride + 1 : undefined;
        const cInit = random(cOff + s.M * cRowStride + 5 + (s.rowSum ? s.M : 0));
        const call: GemmCall = { M: s.M, N: s.N, K: s.K, a: av, b: bv, cOff, cRowStride, biasOff: s.bias ? 1 : undefined, rowSumOff };
        const got = await gpuProduct(variant, call, a, b, bias, cInit);
        // Outside the M × N outputs the buffer must be untouched.
        const want = Float64Array.from(cInit);
        for (let r = 0; r < s.M; r++) {
          for (let c = 0; c < s.N; c++) {
            let sum = s.bias ? bias[1 + c] : 0;
            for (let k = 0; k < s.K; k++) sum += a[av.off + r * av.rowStride + k * av.colStride] * b[bv.off + k * bv.rowStride + c * bv.colStride];
            want[cOff + r * cRowStride + c] = sum;
          }
          if (rowSumOff !== undefined) {
            let sum = 0;
            for (let k = 0; k < s.K; k++) sum += a[av.off + r * av.rowStride + k * av.colStride];
            want[rowSumOff + r] = sum;
          }
        }
        expect(maxRelativeDiff(got, want)).toBeLessThan(1e-5);
      });
    }
  }
});
