// Soak: 20,000 training steps of a small model in the page on the WebGPU engine, with the JS heap (page and
// worker, each after a full garbage collection, through CDP) and the worker's live GPU buffers sampled throughout. Both must stay flat, and the chart series
// bounded. Registered in run.mjs (`node tests/e2e/run.mjs soak` runs it alone). The figures are printed.

/** RNNLAB_SOAK_STEPS=100000 soaks longer (about 100 steps/s or better is expected on SwiftShader). */
const SOAK_STEPS = Number(process.env.RNNLAB_SOAK_STEPS ?? 20_000);
const SOAK_QUERY = '?engine=webgpu&cell=rnn_tanh&H=8&T=10&B=4&seed=11';
/** A sample every this many milliseconds. */
const SAMPLE_MS = 3000;

/**
 * A CDP line to the training worker (the one with self.rnnlabTest): Playwright's own worker handle cannot
 * collect garbage or read the heap, so this attaches a second, non-flattened session through the page's.
 */
async function trainerWorkerCdp(context, page, waitFor) {
  const cdp = await context.newCDPSession(page);
  const sessions = [];
  const replies = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.push(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    replies.get(m.id)?.(m);
    replies.delete(m.id);
  });
  const call = async (sessionId, method, params = {}) => {
    const id = nextId++;
    const reply = new Promise((resolve) => replies.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    const m = await reply;
    if (m.error) throw new Error(`${method}: ${m.error.message}`);
    return m.result;
  };
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const evaluate = async (sessionId, expression) => (await call(sessionId, 'Runtime.evaluate', { expression, returnByValue: true })).result.value;
  const session = await waitFor('the training worker', async () => {
    for (const s of sessions) if (await evaluate(s, 'typeof self.rnnlabTest === "object"')) return s;
    return null;
  }, 30_000);
  return {
    /** JS heap in use after a full garbage collection, in bytes. */
    async heap() {
      await call(session, 'HeapProfiler.collectGarbage');
      return (await call(session, 'Runtime.getHeapUsage')).usedSize;
    },
    liveGpuBuffers: () => evaluate(session, 'self.rnnlabTest.liveGpuBuffers()'),
    detach: () => cdp.detach(),
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);

/** Mean of the second quarter and of the last quarter of the samples of `key`. */
function quarters(samples, key) {
  const n = samples.length;
  const second = samples.slice(Math.floor(n / 4), Math.floor(n / 2)).map((s) => s[key]);
  const last = samples.slice(Math.floor((3 * n) / 4)).map((s) => s[key]);
  return { second: mean(second), last: mean(last) };
}

export async function soakChecks({ check, context, openPage, base, readState, waitFor, expect, shot }) {
  await check(`soak: ${SOAK_STEPS.toLocaleString('en')} steps on WebGPU, JS heap and live GPU buffers flat, series bounded`, async () => {
    const page = await openPage(context, base, SOAK_QUERY);
    const first = await readState(page);
    const hasGpu = await page.evaluate(() => !!navigator.gpu);
    expect(!hasGpu || first.engine.kind === 'webgpu', `WebGPU is available but the run is on ${first.engine.kind}: ${first.engine.reason}`);
    if (!hasGpu) console.log(`    no WebGPU in this browser: soaking the CPU engine (${first.engine.reason})`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const worker = await trainerWorkerCdp(context, page, waitFor);

    const samples = [];
    const t0 = Date.now();
    for (;;) {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const w = { heap: await worker.heap(), liveBuffers: await worker.liveGpuBuffers() };
      const s = await page.evaluate(() => {
        const st = window.rnnlab.store.getState();
        return { step: st.step, status: st.status, error: st.error, loss: st.loss.length, heat: st.heatColumns.length, clips: st.clipSteps.length };
      });
      samples.push({ t: (Date.now() - t0) / 1000, pageHeap: usedSize, workerHeap: w.heap, liveBuffers: w.liveBuffers, ...s });
      expect(!s.error, `error at step ${s.step}: ${s.error}`);
      expect(s.status === 'running', `the run stopped at step ${s.step}: ${s.status}`);
      if (s.step >= SOAK_STEPS) break;
      expect(Date.now() - t0 < SOAK_STEPS * 10, `only ${s.step} steps after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
    const seconds = (Date.now() - t0) / 1000;
    const last = samples[samples.length - 1];
    console.log(`    ${last.step} steps in ${seconds.toFixed(0)} s (${(last.step / seconds).toFixed(0)} steps/s) on ${first.engine.kind}: ${first.engine.description}`);
    for (const s of samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 8)) === 0 || _ === last)) {
      console.log(
        `    t=${s.t.toFixed(0).padStart(3)} s step ${String(s.step).padStart(5)}: page heap ${mb(s.pageHeap)} MB, worker heap ${mb(s.workerHeap)} MB, live GPU buffers ${s.liveBuffers}, series ${s.loss} loss / ${s.heat} heat / ${s.clips} clips`,
      );
    }

    const page2 = quarters(samples, 'pageHeap');
    console.log(`    page heap: second quarter ${mb(page2.second)} MB, last quarter ${mb(page2.last)} MB (${((page2.last / page2.second - 1) * 100).toFixed(1)}%)`);
    expect(page2.last <= 1.2 * page2.second, `the page's heap grew: ${mb(page2.second)} → ${mb(page2.last)} MB`);
    const w = quarters(samples, 'workerHeap');
    console.log(`    worker heap: second quarter ${mb(w.second)} MB, last quarter ${mb(w.last)} MB (${((w.last / w.second - 1) * 100).toFixed(1)}%)`);
    expect(w.last <= 1.2 * w.second, `the worker's heap grew: ${mb(w.second)} → ${mb(w.last)} MB`);
    const buffers = samples.map((s) => s.liveBuffers);
    const gpu = quarters(samples, 'liveBuffers');
    console.log(`    live GPU buffers: min ${Math.min(...buffers)}, max ${Math.max(...buffers)}; second quarter ${gpu.second.toFixed(1)}, last quarter ${gpu.last.toFixed(1)}`);
    expect(gpu.last <= gpu.second, `live GPU buffers grew: ${gpu.second} → ${gpu.last}`);
    expect(samples.every((s) => s.loss <= 801 && s.heat <= 240 && s.clips <= 400), 'a chart series outgrew its bound');
    await shot(page, '20-soak');
    await cdp.detach();
    await worker.detach();
    await page.close();
  });
}
