// Soak: 20,000 training steps of a small model in the page on the WebGPU engine, with the JS heap (page and
// worker, each after a full garbage collection, through CDP) and the worker's live GPU buffers sampled throughout.
// Both must stay flat, and the chart series bounded. `npx playwright test tests/e2e/soak.spec.ts` runs it alone;
// the figures are printed.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { mean, openLab, pollFor, readState, shot } from './helpers';

/** RNNLAB_SOAK_STEPS=100000 soaks longer (about 100 steps/s or better is expected on SwiftShader). */
const SOAK_STEPS = Number(process.env.RNNLAB_SOAK_STEPS ?? 20_000);
const SOAK_QUERY = '?engine=webgpu&cell=rnn_tanh&H=8&T=10&B=4&seed=11';
/** A sample every this many milliseconds. */
const SAMPLE_MS = 3000;

interface CdpReply {
  id: number;
  result?: { result?: { value?: unknown }; usedSize?: number };
  error?: { message: string };
}

/**
 * A CDP line to the training worker (the one with self.rnnlabTest): Playwright's own worker handle cannot
 * collect garbage or read the heap, so this attaches a second, non-flattened session through the page's.
 */
async function trainerWorkerCdp(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  const sessions: string[] = [];
  const replies = new Map<number, (m: CdpReply) => void>();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.push(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as CdpReply;
    replies.get(m.id)?.(m);
    replies.delete(m.id);
  });
  const call = async (sessionId: string, method: string, params = {}) => {
    const id = nextId++;
    const reply = new Promise<CdpReply>((resolve) => replies.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    const m = await reply;
    if (m.error) throw new Error(`${method}: ${m.error.message}`);
    return m.result!;
  };
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const evaluate = async (sessionId: string, expression: string) => (await call(sessionId, 'Runtime.evaluate', { expression, returnByValue: true })).result?.value;
  const session = await pollFor(
    'the training worker',
    async () => {
      for (const s of sessions) if (await evaluate(s, 'typeof self.rnnlabTest === "object"')) return s;
      return null;
    },
    { timeout: 30_000 },
  );
  return {
    /** JS heap in use after a full garbage collection, in bytes. */
    async heap(): Promise<number> {
      await call(session, 'HeapProfiler.collectGarbage');
      return (await call(session, 'Runtime.getHeapUsage')).usedSize!;
    },
    liveGpuBuffers: async () => Number(await evaluate(session, 'self.rnnlabTest.liveGpuBuffers()')),
    detach: () => cdp.detach(),
  };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

interface Sample {
  t: number;
  pageHeap: number;
  workerHeap: number;
  liveBuffers: number;
  step: number;
  loss: number;
  heat: number;
  clips: number;
}

/** Mean of the second quarter and of the last quarter of the samples of `key`. */
function quarters(samples: Sample[], key: 'pageHeap' | 'workerHeap' | 'liveBuffers') {
  const n = samples.length;
  const second = samples.slice(Math.floor(n / 4), Math.floor(n / 2)).map((s) => s[key]);
  const last = samples.slice(Math.floor((3 * n) / 4)).map((s) => s[key]);
  return { second: mean(second), last: mean(last) };
}

test(`soak: ${SOAK_STEPS.toLocaleString('en')} steps on WebGPU, JS heap and live GPU buffers flat, series bounded`, async ({ context, page }) => {
  test.setTimeout(SOAK_STEPS * 10 + 2 * 60_000); // the bound on the steps' time below, and the start
  await openLab(page, SOAK_QUERY);
  const first = await readState(page);
  const hasGpu = await page.evaluate(() => !!navigator.gpu);
  expect(!hasGpu || first.engine.kind === 'webgpu', `WebGPU is available but the run is on ${first.engine.kind}: ${first.engine.reason}`).toBe(true);
  if (!hasGpu) console.log(`    no WebGPU in this browser: soaking the CPU engine (${first.engine.reason})`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const worker = await trainerWorkerCdp(context, page);

  const samples: Sample[] = [];
  const t0 = Date.now();
  for (;;) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const w = { heap: await worker.heap(), liveBuffers: await worker.liveGpuBuffers() };
    const s = await page.evaluate(() => {
      const st = window.rnnlab.store.getState();
      return { step: st.step, status: st.status, error: st.error, loss: st.loss.length, heat: st.heatColumns.length, clips: st.clipSteps.length };
    });
    samples.push({ t: (Date.now() - t0) / 1000, pageHeap: usedSize, workerHeap: w.heap, liveBuffers: w.liveBuffers, step: s.step, loss: s.loss, heat: s.heat, clips: s.clips });
    expect(s.error, `error at step ${s.step}`).toBeFalsy();
    expect(s.status, `the run stopped at step ${s.step}`).toBe('running');
    if (s.step >= SOAK_STEPS) break;
    expect(Date.now() - t0, `only ${s.step} steps after ${((Date.now() - t0) / 1000).toFixed(0)} s`).toBeLessThan(SOAK_STEPS * 10);
    await page.waitForTimeout(SAMPLE_MS);
  }
  const seconds = (Date.now() - t0) / 1000;
  const last = samples[samples.length - 1];
  console.log(`    ${last.step} steps in ${seconds.toFixed(0)} s (${(last.step / seconds).toFixed(0)} steps/s) on ${first.engine.kind}: ${first.engine.description}`);
  for (const s of samples.filter((x, i) => i % Math.max(1, Math.floor(samples.length / 8)) === 0 || x === last)) {
    console.log(
      `    t=${s.t.toFixed(0).padStart(3)} s step ${String(s.step).padStart(5)}: page heap ${mb(s.pageHeap)} MB, worker heap ${mb(s.workerHeap)} MB, live GPU buffers ${s.liveBuffers}, series ${s.loss} loss / ${s.heat} heat / ${s.clips} clips`,
    );
  }

  const pageHeap = quarters(samples, 'pageHeap');
  console.log(`    page heap: second quarter ${mb(pageHeap.second)} MB, last quarter ${mb(pageHeap.last)} MB (${((pageHeap.last / pageHeap.second - 1) * 100).toFixed(1)}%)`);
  expect(pageHeap.last, `the page's heap grew: ${mb(pageHeap.second)} → ${mb(pageHeap.last)} MB`).toBeLessThanOrEqual(1.2 * pageHeap.second);
  const workerHeap = quarters(samples, 'workerHeap');
  console.log(`    worker heap: second quarter ${mb(workerHeap.second)} MB, last quarter ${mb(workerHeap.last)} MB (${((workerHeap.last / workerHeap.second - 1) * 100).toFixed(1)}%)`);
  expect(workerHeap.last, `the worker's heap grew: ${mb(workerHeap.second)} → ${mb(workerHeap.last)} MB`).toBeLessThanOrEqual(1.2 * workerHeap.second);
  const buffers = samples.map((s) => s.liveBuffers);
  const gpu = quarters(samples, 'liveBuffers');
  console.log(`    live GPU buffers: min ${Math.min(...buffers)}, max ${Math.max(...buffers)}; second quarter ${gpu.second.toFixed(1)}, last quarter ${gpu.last.toFixed(1)}`);
  expect(gpu.last, `live GPU buffers grew: ${gpu.second} → ${gpu.last}`).toBeLessThanOrEqual(gpu.second);
  expect(samples.every((s) => s.loss <= 801 && s.heat <= 240 && s.clips <= 400), 'every chart series stays within its bound').toBe(true);
  await shot(page, '20-soak');
  await cdp.detach();
  await worker.detach();
});
