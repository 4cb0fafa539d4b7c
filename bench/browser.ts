// Node side of the browser benchmark: serves bench/index.html with vite, opens it in headless Chromium with
// WebGPU (playwright-core), streams the page's result lines and adds our ratio over TF.js.
import type { BenchLine, Workload } from './workloads';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

/** What the browser run reads of `rnnlab bench`'s arguments (src/cli/bench.ts passes its BenchArgs). */
export interface BrowserBenchOptions {
  quick: boolean;
  engines: string[]; // our engines
  peers: boolean; // also TF.js
}

export async function runBrowserBench(a: BrowserBenchOptions, workloads: Workload[]): Promise<BenchLine[]> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({ server: { port: 0, host: '127.0.0.1' }, logLevel: 'error', optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'] } });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  const browser = await chromium.launch(chromiumLaunchOptions());
  const lines: BenchLine[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.startsWith('bench-error ')) console.error(`# browser: ${text}`);
      // Progress while the slow peers run; the final lines (with ratios) follow on stdout at the end.
      if (text.startsWith('bench-line ')) console.error(`# browser progress: ${text.slice('bench-line '.length)}`);
    });
    const engines = [...a.engines, ...(a.peers ? ['tfjs-webgpu', 'tfjs-cpu'] : [])];
    const url = `http://127.0.0.1:${port}/bench/index.html?w=${workloads.map((w) => w.name).join(',')}&quick=${a.quick ? 1 : 0}&engines=${engines.join(',')}`;
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __bench?: { done: boolean } }).__bench?.done === true, undefined, { timeout: 30 * 60_000, polling: 1000 });
    const state = await page.evaluate(() => (window as unknown as { __bench: { lines: BenchLine[]; error: string | null } }).__bench);
    if (state.error) console.error(`# browser benchmark failed: ${state.error}`);
    lines.push(...state.lines);
  } finally {
    await browser.close();
    await server.close();
  }
  // Our steps/s over the peer's on the same workload and backend kind.
  for (const l of lines) {
    const peerOf: Record<string, string> = { 'rnnlab-webgpu': 'tfjs-webgpu', 'rnnlab-cpu': 'tfjs-cpu' };
    const peer = peerOf[l.engine] && lines.find((p) => p.workload === l.workload && p.engine === peerOf[l.engine]);
    if (peer) l.ratio = { [`vs ${peer.engine}`]: Number((l.stepsPerSec / peer.stepsPerSec).toPrecision(3)) };
  }
  return lines;
}
