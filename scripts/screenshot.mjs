#!/usr/bin/env node
// Screenshots of the built page at the sizes users have, for looking at a change:
//   node scripts/screenshot.mjs "<query>" [name] [--wait-steps N]
// Builds the page (vite), serves it, opens `?<query>` in headless Chromium at 1920×1080, 1440×900 and 390×844,
// waits until the run has made N steps (default 100), and writes artifacts/look/<name>-<W>x<H>.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const waitAt = args.indexOf('--wait-steps');
const waitSteps = waitAt >= 0 ? Number(args.splice(waitAt, 2)[1]) : 100;
const [query = '', name = 'page'] = args;
const SIZES = [[1920, 1080], [1440, 900], [390, 844]];

const outDir = mkdtempSync(join(tmpdir(), 'rnnlab-look-'));
const shots = join(root, 'artifacts', 'look');
mkdirSync(shots, { recursive: true });
await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
const base = server.resolvedUrls.local[0].replace(/\/$/, '');
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  for (const [width, height] of SIZES) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/?${query.replace(/^\?/, '')}`);
    await page.waitForFunction((n) => window.rnnlab && window.rnnlab.store.getState().step >= n, waitSteps, { timeout: 120_000 });
    await new Promise((r) => setTimeout(r, 800));
    const file = join(shots, `${name}-${width}x${height}.png`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: file });
    console.log(`${file}${overflow > 0 ? ` (scrolls sideways by ${overflow} px)` : ''}`);
    await context.close();
  }
} finally {
  await browser.close();
  server.httpServer.close();
  rmSync(outDir, { recursive: true, force: true });
}
