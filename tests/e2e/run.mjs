// End-to-end checks of the page in headless Chromium (WebGPU on SwiftShader where it works).
// Builds the page with vite, serves the build with `vite preview` on a free port, and drives it with
// playwright-core. Screenshots of every state go to artifacts/screenshots/. The last line printed is
// "N passed, N failed" (CI reads it) and the exit code is non-zero when anything failed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from '@playwright/test';
import { classroomChecks } from './classroom.mjs';
import { lessonChecks } from './lessons.mjs';
import { faultChecks, recordCspViolations } from './faults.mjs';
import { soakChecks } from './soak.mjs';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shotDir = join(root, 'artifacts', 'screenshots');
mkdirSync(shotDir, { recursive: true });


function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class CheckFailed extends Error {}
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** Polls fn() until it returns a truthy value; returns it, or throws naming what was awaited. */
async function waitFor(what, fn, timeoutMs = 30_000, intervalMs = 100) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeoutMs) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new CheckFailed(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

// ---- reading the page -------------------------------------------------------------------------

/** A few fields of the store (exposed as window.rnnlab.store for tests and the console). */
function readState(page) {
  return page.evaluate(() => {
    const s = window.rnnlab.store.getState();
    return {
      status: s.status,
      step: s.step,
      engine: s.engine,
      divergence: s.divergence,
      error: s.error,
      notices: s.notices,
      message: s.message,
      wrec: s.config.wrec,
      loss: s.loss.map((p) => [p.step, p.value]),
      profileStep: s.profile ? s.profile.step : -1,
      profileVersion: s.profile ? s.profile.weightsVersion : -1, // the weights version the shown profile is of
      heatColumns: s.heatColumns.length,
    };
  });
}

/** The gradient-flow readout: slope of log10‖∂L/∂h_t‖ over t, its verdict, and the step it is from (one read). */
function readSlope(page) {
  return page.getByTestId('grad-slope').evaluate((el) => ({
    slope: el.dataset.slope === '' ? NaN : Number(el.dataset.slope),
    verdict: el.dataset.verdict,
    step: Number(el.dataset.step),
  }));
}

/** The gradient-flow readout once the page has rendered the store's current profile (two animation frames). */
async function readRenderedSlope(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return readSlope(page);
}

/**
 * Moves the W_rec slider and waits for the first profile of the rescaled weights: one stamped with a newer
 * weights version than the profile shown before (the worker bumps it on the rescale). Returns that profile's
 * readout as rendered, and how long it took. No polling for a verdict: the first profile of the new weights
 * must show it, so an old profile kept on screen, or put back, fails here.
 */
async function moveSliderAndRead(page, scale, timeoutMs) {
  const before = (await readState(page)).profileVersion;
  const t0 = Date.now();
  await setSlider(page, scale);
  const firstStep = await waitFor(`a gradient profile of the weights rescaled to ${scale}`, async () => {
    const s = await readState(page);
    return s.profileVersion > before ? { step: s.profileStep } : null;
  }, timeoutMs, 20);
  const ms = Date.now() - t0;
  const readout = await readRenderedSlope(page);
  expect(readout.step >= firstStep.step, `the readout shows step ${readout.step}, older than the rescaled weights' first profile (step ${firstStep.step})`);
  return { ...readout, ms };
}

/** Sets the W_rec slider the way a user's drag does (an input event React sees). */
async function setSlider(page, scale) {
  await page.getByTestId('wrec-slider').evaluate((input, s) => {
    const position = Math.round(((Math.log10(s) + 1) / 2) * Number(input.max)); // 0.1–10 on a log track
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, String(position));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, scale);
}

async function shot(page, name) {
  await sleep(700); // the loss and spectrum charts redraw at most every 0.5 s
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: false });
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// ---- the checks -------------------------------------------------------------------------------

const results = [];
const pageErrors = [];

/** `node tests/e2e/run.mjs <text>` runs only the checks whose names contain <text>. */
const only = process.argv[2] ?? '';

/** Runs one check: no retries, so a check that depends on timing or luck shows up as a failure. */
async function check(name, fn) {
  if (only && !name.includes(only)) return;
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`✗ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)\n    ${e instanceof CheckFailed ? e.message : e.stack}`);
  }
}

async function openPage(context, base, query) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${query}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${query}: console: ${m.text()}`);
  });
  await page.goto(`${base}/${query}`);
  await page.waitForFunction(() => window.rnnlab && window.rnnlab.store.getState().engine !== null, null, { timeout: 60_000 });
  return page;
}

async function main() {
  console.log('building the page…');
  // a build folder of this run's own: another run (or `npm run build`) rewriting dist/ mid-suite made pages 404
  const outDir = mkdtempSync(join(tmpdir(), 'rnnlab-e2e-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' } });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch(chromiumLaunchOptions());
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await recordCspViolations(context);

  try {
    await check('the page loads on an engine and says which (WebGPU, or CPU and why)', async () => {
      const page = await openPage(context, base, '');
      const state = await readState(page);
      const badge = await page.getByTestId('engine-badge').innerText();
      console.log(`    engine: ${badge}`);
      expect(state.engine.kind === 'webgpu' || state.engine.reason.length > 0, `CPU engine without a reason: "${badge}"`);
      expect(badge.includes(state.engine.kind === 'webgpu' ? 'WebGPU' : 'CPU'), `badge "${badge}" does not name the engine`);
      await shot(page, '01-loaded');
      await page.close();
    });

    await check('the default preset trains and its loss falls', async () => {
      const page = await openPage(context, base, '');
      await waitFor('200 training steps', async () => (await readState(page)).step >= 200, 90_000);
      const { loss, error } = await readState(page);
      expect(!error, `error: ${error}`);
      const first = mean(loss.slice(0, 5).map((p) => p[1]));
      const last = mean(loss.slice(-5).map((p) => p[1]));
      console.log(`    loss: first steps ${first.toFixed(4)} → recent ${last.toFixed(4)}`);
      expect(last < 0.7 * first, `loss did not fall enough: ${first} → ${last}`);
      await shot(page, '02-training');

      // frame times of the main thread while the worker trains
      const frames = await page.evaluate(
        () =>
          new Promise((done) => {
            const deltas = [];
            let previous = performance.now();
            const t0 = previous;
            const tick = (now) => {
              deltas.push(now - previous);
              previous = now;
              if (now - t0 < 4000) requestAnimationFrame(tick);
              else done(deltas);
            };
            requestAnimationFrame(tick);
          }),
      );
      const sorted = [...frames].sort((a, b) => a - b);
      const p95 = percentile(sorted, 0.95);
      console.log(
        `    main-thread frame times while training (${frames.length} frames): p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (goal: p95 < 20 ms)`,
      );
      expect(frames.length >= 10, `the page froze: only ${frames.length} frames in 4 s`);
      await page.close();
    });

    await check('small W_rec: ‖∂L/∂h_t‖ vanishes; large: it grows; moving the slider mid-run flips it', async () => {
      // plain SGD with clipping, as in the "vanishing" preset (Adam would reshape W_rec within steps)
      const page = await openPage(context, base, '?wrec=0.5&opt=sgd&lr=0.05&clip=norm');
      await page.getByTestId('speed').selectOption('10');
      await waitFor('a gradient profile', async () => (await readSlope(page)).step >= 3, 60_000);
      const small = await readSlope(page);
      console.log(`    W_rec 0.5: slope of log10‖∂L/∂h_t‖ ${small.slope.toFixed(3)} per step (${small.verdict})`);
      expect(small.slope > 0 && small.verdict === 'vanishing', `expected vanishing at W_rec 0.5, got ${JSON.stringify(small)}`);
      await shot(page, '03-vanishing');

      // The first profile of the rescaled weights must show the flip. Not σ_max = 3: this network, trained a few
      // dozen steps at 0.5, sits near the edge there (on the CPU engine the first steps after a rescale to 3 at step
      // 26 vanish, slope +0.01; the browser once showed +0.018 at step 27). At 5, the first five steps after a rescale
      // at any of steps 1–120 all explode (slope ≤ −0.099; "exploding" starts at −0.005), and so does every step at 5
      // in 300 random histories like this check's (0.5 for 3–62 steps, 5 for 1–40, 0.5 for 1–60: slope ≤ −0.085).
      const large = await moveSliderAndRead(page, 5, 15_000);
      console.log(`    slider → 5 mid-run: slope ${large.slope.toFixed(3)} (${large.verdict}) after ${large.ms} ms`);
      expect(large.verdict === 'exploding', `expected exploding after moving the slider to 5, got ${JSON.stringify(large)}`);
      const wrec = (await readState(page)).wrec;
      expect(Math.abs(wrec - 5) < 0.06, `the Config took ${wrec} from the slider, not about 5`);
      expect(page.url().includes(`wrec=${wrec}`), `the URL was not updated: ${page.url()}`);
      expect(large.ms < 3000, `the gradient view took ${large.ms} ms to respond (goal: within a second)`);
      await shot(page, '04-exploding');
      // the README's picture (docs/screenshot.png is a copy of this file)
      await page.setViewportSize({ width: 1280, height: 720 });
      await shot(page, 'readme');
      await page.setViewportSize({ width: 1440, height: 1000 });

      const back = await moveSliderAndRead(page, 0.5, 15_000);
      console.log(`    slider → 0.5: slope ${back.slope.toFixed(3)} (${back.verdict}) after ${back.ms} ms`);
      expect(back.verdict === 'vanishing', `expected vanishing after moving the slider back to 0.5, got ${JSON.stringify(back)}`);

      // Paused: the profile of the current weights still follows the slider, without a training step. Not to 3
      // (this check's old flake): after the steps at the large scale and back at 0.5, rescaling W_hh to σ_max = 3
      // often lands on the vanishing side. The preview was of the new weights (its version was newer) and vanishing
      // in 3 of 13 browser runs, flat in 1; on the CPU engine 20% of 252 histories. At the slider's end, 10, the
      // preview explodes after each of the 300 histories above (slope ≤ −0.197), and back at 0.5 every step vanishes
      // (slope ≥ +0.316).
      await page.getByTestId('play').click();
      await waitFor('the paused status', async () => (await readState(page)).status === 'paused', 10_000);
      const pausedAt = (await readState(page)).step;
      const pausedFlip = await moveSliderAndRead(page, 10, 10_000);
      console.log(`    paused at step ${pausedAt}, slider → 10: ${pausedFlip.verdict} (slope ${pausedFlip.slope.toFixed(3)}) after ${pausedFlip.ms} ms`);
      expect(pausedFlip.verdict === 'exploding', `expected exploding after moving the slider to 10 while paused, got ${JSON.stringify(pausedFlip)}`);
      expect(pausedFlip.step === pausedAt, `the profile is of step ${pausedFlip.step}, not of the paused step ${pausedAt}`);
      await sleep(300);
      expect((await readState(page)).step === pausedAt, 'moving the slider while paused made a training step');
      expect((await readSlope(page)).verdict === 'exploding', 'the paused profile did not stay on the rescaled weights');
      await page.close();
    });

    await check('pause, single step, reset', async () => {
      const page = await openPage(context, base, '?seed=3');
      await waitFor('training to start', async () => (await readState(page)).step >= 5, 60_000);
      await page.getByTestId('play').click(); // pauses
      await waitFor('the paused status', async () => (await readState(page)).status === 'paused', 10_000);
      await sleep(200);
      const s0 = (await readState(page)).step;
      await sleep(600);
      expect((await readState(page)).step === s0, 'steps kept coming while paused');
      await page.getByTestId('step').click();
      await waitFor(`step ${s0 + 1}`, async () => (await readState(page)).step === s0 + 1, 10_000);
      await sleep(300);
      expect((await readState(page)).step === s0 + 1, 'a single step made more than one step');
      await shot(page, '05-paused');
      await page.getByTestId('reset').click();
      await waitFor('step 0 after reset', async () => {
        const s = await readState(page);
        return s.step === 0 && s.loss.length === 0;
      }, 20_000);
      expect((await readState(page)).status === 'paused', 'reset while paused should stay paused');
      await page.getByTestId('play').click();
      await waitFor('training to resume after reset', async () => (await readState(page)).step >= 3, 30_000);
      await page.keyboard.press('Space'); // keyboard: pause
      await waitFor('Space to pause', async () => (await readState(page)).status === 'paused', 10_000);
      await page.close();
    });

    await check('a forced divergence pauses with the banner, and rewind restores the last finite checkpoint', async () => {
      const page = await openPage(context, base, '?wrec=5&opt=sgd&lr=5&clip=none');
      const banner = page.getByTestId('divergence-banner');
      await banner.waitFor({ state: 'visible', timeout: 60_000 });
      const text = await banner.innerText();
      console.log(`    banner: ${text.replace(/\s+/g, ' ').trim()}`);
      expect(/diverged at step \d+, gradient norm/.test(text), `unexpected banner text: ${text}`);
      const diverged = await readState(page);
      expect(diverged.status === 'diverged', `status ${diverged.status} after divergence`);
      await shot(page, '06-diverged');
      await page.getByTestId('rewind').click();
      await banner.waitFor({ state: 'hidden', timeout: 20_000 });
      const rewound = await readState(page);
      console.log(`    rewound from step ${diverged.step} to step ${rewound.step}: ${rewound.message}`);
      expect(rewound.step <= diverged.step, 'rewind went forwards');
      expect(rewound.status === 'paused', `status ${rewound.status} after rewind`);
      expect(rewound.loss.every((p) => p[0] <= rewound.step), 'the loss chart still shows steps after the checkpoint');
      await shot(page, '07-rewound');
      await page.close();
    });

    await check('a number box that clamps a value says so next to it, as a link would', async () => {
      const page = await openPage(context, base, '?engine=cpu');
      for (const [key, typed, want, shown] of [['T', '0', 'T = 0 is below 2; set to 2', '2'], ['H', '-5', 'H = -5 is below 1; set to 1', '1'], ['lr', '1e9', 'lr = 1000000000 is above 10; set to 10', '10']]) {
        const box = page.getByTestId(`field-${key}`);
        await box.fill(typed);
        await box.press('Enter');
        const notice = await page.getByTestId(`field-notice-${key}`).innerText();
        expect(notice === want, `${key}: the notice reads "${notice}"`);
        expect((await box.inputValue()) === shown, `${key}: the box shows ${await box.inputValue()}`);
      }
      // the notices stay next to their boxes (until the box is edited again)
      const kept = await page.locator('.field-notice').allInnerTexts();
      expect(kept.length === 3, `notices shown now: ${JSON.stringify(kept)}`);
      await shot(page, '05b-number-notices');
      await page.close();
    });

    await check('bad link values show a notice and the page still trains', async () => {
      const page = await openPage(context, base, '?wrec=banana&H=-3&cell=quantum&zzz=1');
      const notice = page.getByTestId('url-notice');
      await notice.waitFor({ state: 'visible', timeout: 10_000 });
      const items = await notice.locator('li').count();
      expect(items === 4, `expected 4 notices, got ${items}`);
      await waitFor('training despite the bad link', async () => (await readState(page)).step >= 5, 60_000);
      await shot(page, '08-bad-url');
      await page.getByTestId('dismiss-notice').click();
      await notice.waitFor({ state: 'hidden', timeout: 5_000 });
      expect(page.url().includes('H=1') && !page.url().includes('banana'), `the URL was not rewritten to the valid Config: ${page.url()}`);
      // the copy-link button puts exactly this (valid) link on the clipboard
      await page.getByTestId('share').click();
      await waitFor('the "copied" confirmation', async () => (await page.getByTestId('share').innerText()).includes('copied'), 5_000);
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied === page.url(), `copied "${copied}", the page is at "${page.url()}"`);
      await page.close();
    });

    await check('10,000+ steps: chart memory stays bounded and the page stays responsive', async () => {
      const page = await openPage(context, base, '?H=2&T=10&B=4');
      await waitFor('10,000 steps', async () => (await readState(page)).step >= 10_000, 120_000, 500);
      const lengths = await page.evaluate(() => {
        const s = window.rnnlab.store.getState();
        return { loss: s.loss.length, gradNorm: s.gradNorm.length, heat: s.heatColumns.length, clips: s.clipSteps.length };
      });
      const t0 = Date.now();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const twoFrames = Date.now() - t0;
      console.log(`    at step ${(await readState(page)).step}: ${lengths.loss} loss points, ${lengths.heat} heatmap columns; two frames took ${twoFrames} ms`);
      expect(lengths.loss <= 801 && lengths.gradNorm <= 801 && lengths.heat <= 240, `unbounded series: ${JSON.stringify(lengths)}`);
      expect(twoFrames < 2000, `the page is sluggish: two frames took ${twoFrames} ms`);
      await shot(page, '12-ten-thousand-steps');
      await page.close();
    });

    await check('presenter mode enlarges type', async () => {
      const page = await openPage(context, base, '?preset=vanishing&wrec=0.5');
      const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      await page.getByTestId('presenter').click();
      const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      expect(after > before * 1.2, `font size ${before} → ${after}`);
      await waitFor('a few steps', async () => (await readState(page)).step >= 10, 60_000);
      await shot(page, '09-presenter');
      await page.close();
    });

    await check('switching engines mid-run keeps the state (WebGPU ⇄ CPU)', async () => {
      const page = await openPage(context, base, '?engine=webgpu&seed=5');
      const first = await readState(page);
      if (first.engine.kind !== 'webgpu') {
        // no WebGPU in this browser: the page must say why, and the CPU run must still switch cleanly
        console.log(`    WebGPU unavailable here: ${first.engine.reason}`);
        expect(first.engine.reason.length > 0, 'CPU fallback without a reason');
      }
      await waitFor('20 steps', async () => (await readState(page)).step >= 20, 90_000);
      const from = first.engine.kind;
      const to = from === 'webgpu' ? 'cpu' : 'webgpu';
      await page.getByTestId('engine-select').selectOption(to);
      const before = (await readState(page)).step;
      await waitFor(`the switch away from ${from}`, async () => {
        const s = await readState(page);
        return s.engine.kind !== from || (to === 'webgpu' && s.engine.reason.length > 0 && s.step > before + 5);
      }, 30_000);
      const after = await readState(page);
      console.log(`    ${from} → ${after.engine.kind} at step ${after.step} (${after.engine.reason})`);
      expect(after.step >= before, `step fell from ${before} to ${after.step} after switching engines`);
      await waitFor('training to continue after the switch', async () => (await readState(page)).step > after.step + 5, 30_000);
      const { loss } = await readState(page);
      expect(loss.length > 0 && loss[0][0] <= 2, 'the loss history was cleared by the switch');
      await shot(page, '11-engine-switched');
      await page.close();
    });

    const helpers = { check, context, openPage, base, readState, waitFor, expect, shot, sleep };
    await faultChecks(helpers);
    await soakChecks(helpers);

    await classroomChecks({ check, openPage, readState, shot, waitFor, expect, context, base });
    await lessonChecks({ check, openPage, readState, shot, waitFor, expect, browser, base });
  } finally {
    await browser.close();
    await new Promise((r) => server.httpServer.close(r));
  }

  if (pageErrors.length) {
    console.log(`page errors (${pageErrors.length}):`);
    for (const e of pageErrors.slice(0, 20)) console.log(`    ${e}`);
  }
  console.log(`screenshots: ${shotDir}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(e.stack ?? String(e));
  console.log('0 passed, 1 failed');
  process.exit(1);
});
