import { it } from 'vitest';
import { WORKLOADS, workloadData, BENCH_OPTIONS } from '../../bench/workloads';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';
import { sharedContext } from './helpers';
it('cpu time per step', async () => {
  const names = (process.env.WL ?? 'W1').split(',');
  for (const w of WORKLOADS.filter((x) => names.includes(x.name))) {
    const { spec, params, batch } = workloadData(w);
    const e = new WebGpuEngine({ context: await sharedContext(), timeKernels: !!process.env.TK });
    await e.init(spec, params);
    await e.step(batch, BENCH_OPTIONS);
    const n = Number(process.env.N ?? 3);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await e.step(batch, BENCH_OPTIONS);
    const c = process.cpuUsage(c0);
    console.log(`RESULT ${w.name} cpu ms/step ${((c.user + c.system) / 1000 / n).toFixed(1)} wall ${((performance.now() - t0) / n).toFixed(1)}`, process.env.TK ? JSON.stringify(e.kernelTimes()) : '');
    e.dispose();
  }
}, 600000);
