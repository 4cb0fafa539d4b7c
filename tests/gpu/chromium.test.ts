// WebGPU parity in real Chromium (headless, SwiftShader): the page bench/parity.html runs the WebGPU and CPU
// engines side by side through navigator.gpu, served by vite and driven by playwright-core.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

const LAUNCH = chromiumLaunchOptions();

describe.skipIf(!existsSync(LAUNCH.executablePath))('WebGPU engine in Chromium', () => {
  it('matches the CPU engine to 1e-4 on LSTM, GRU and tanh RNN training steps', async () => {
    const { createServer } = await import('vite');
    const { chromium } = await import('playwright-core');
    const server = await createServer({ server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
    await server.listen();
    const address = server.httpServer!.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await chromium.launch(LAUNCH);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/bench/parity.html`);
      await page.waitForFunction(() => (window as unknown as { __parity?: { done: boolean } }).__parity?.done === true, undefined, { timeout: 90_000 });
      const state = await page.evaluate(() => (window as unknown as { __parity: { error: string | null; results: Record<string, number | string>[] } }).__parity);
      expect(state.error).toBeNull();
      expect(state.results).toHaveLength(3);
      for (const r of state.results) {
        expect(String(r.adapter)).toMatch(/WebGPU/);
        for (const k of ['loss', 'gradNorm', 'grads', 'dhNorm', 'params']) expect(r[k], `${r.name} ${k}`).toBeLessThan(1e-4);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  }, 150_000);
});
