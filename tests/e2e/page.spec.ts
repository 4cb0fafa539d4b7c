// The lab page in headless Chromium (WebGPU on SwiftShader where it works): loading, training, the W_rec slider
// and the gradient-flow verdict, the run controls, divergence and rewind, notices, long runs, presenter mode and
// switching engines. Screenshots of every state go to artifacts/screenshots/.
import { expect, test } from './fixtures';
import { lossReachesStart, mean, moveSliderAndRead, openLab, percentile, readSlope, readState, shot, statusOf, stepOf } from './helpers';

test('the page loads on an engine and says which (WebGPU, or CPU and why)', async ({ page }) => {
  await openLab(page, '');
  const state = await readState(page);
  const badge = await page.getByTestId('engine-badge').innerText();
  console.log(`    engine: ${badge}`);
  expect(state.engine.kind === 'webgpu' || state.engine.reason.length > 0, `CPU engine without a reason: "${badge}"`).toBe(true);
  expect(badge, 'the badge names the engine').toContain(state.engine.kind === 'webgpu' ? 'WebGPU' : 'CPU');
  await shot(page, '01-loaded');
});

test('the default preset trains and its loss falls', async ({ page }) => {
  await openLab(page, '');
  await expect.poll(() => stepOf(page), { message: '200 training steps', timeout: 90_000 }).toBeGreaterThanOrEqual(200);
  const { loss, error } = await readState(page);
  expect(error, 'the store holds no error').toBeFalsy();
  const first = mean(loss.slice(0, 5).map((p) => p[1]));
  const last = mean(loss.slice(-5).map((p) => p[1]));
  console.log(`    loss: first steps ${first.toFixed(4)} → recent ${last.toFixed(4)}`);
  expect(last, `loss did not fall enough: ${first} → ${last}`).toBeLessThan(0.7 * first);
  await shot(page, '02-training');

  // frame times of the main thread while the worker trains
  const frames = await page.evaluate(
    () =>
      new Promise<number[]>((done) => {
        const deltas: number[] = [];
        let previous = performance.now();
        const t0 = previous;
        const tick = (now: number) => {
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
  expect(frames.length, `the page froze: only ${frames.length} frames in 4 s`).toBeGreaterThanOrEqual(10);
});

test('small W_rec: ‖∂L/∂h_t‖ vanishes; large: it grows; moving the slider mid-run flips it', async ({ page }) => {
  // plain SGD with clipping, as in the "vanishing" preset (Adam would reshape W_rec within steps)
  await openLab(page, '?wrec=0.5&opt=sgd&lr=0.05&clip=norm');
  await page.getByTestId('speed').selectOption('10');
  await expect.poll(async () => (await readSlope(page)).step, { message: 'a gradient profile', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  const small = await readSlope(page);
  console.log(`    W_rec 0.5: slope of log10‖∂L/∂h_t‖ ${small.slope.toFixed(3)} per step (${small.verdict})`);
  expect(small.slope > 0 && small.verdict === 'vanishing', `expected vanishing at W_rec 0.5, got ${JSON.stringify(small)}`).toBe(true);
  await shot(page, '03-vanishing');

  // The first profile of the rescaled weights must show the flip. Not σ_max = 3: this network, trained a few
  // dozen steps at 0.5, sits near the edge there (on the CPU engine the first steps after a rescale to 3 at step
  // 26 vanish, slope +0.01; the browser once showed +0.018 at step 27). At 5, the first five steps after a rescale
  // at any of steps 1–120 all explode (slope ≤ −0.099; "exploding" starts at −0.005), and so does every step at 5
  // in 300 random histories like this check's (0.5 for 3–62 steps, 5 for 1–40, 0.5 for 1–60: slope ≤ −0.085).
  const large = await moveSliderAndRead(page, 5, 15_000);
  console.log(`    slider → 5 mid-run: slope ${large.slope.toFixed(3)} (${large.verdict}) after ${large.ms} ms`);
  expect(large.verdict, `expected exploding after moving the slider to 5, got ${JSON.stringify(large)}`).toBe('exploding');
  const wrec = (await readState(page)).wrec;
  expect(Math.abs(wrec - 5), `the Config took ${wrec} from the slider, not about 5`).toBeLessThan(0.06);
  expect(page.url(), 'the URL was updated').toContain(`wrec=${wrec}`);
  expect(large.ms, `the gradient view took ${large.ms} ms to respond (goal: within a second)`).toBeLessThan(3000);
  await shot(page, '04-exploding');
  // the README's picture (docs/screenshot.png is a copy of this file)
  await page.setViewportSize({ width: 1280, height: 720 });
  await shot(page, 'readme');
  await page.setViewportSize({ width: 1440, height: 1000 });

  const back = await moveSliderAndRead(page, 0.5, 15_000);
  console.log(`    slider → 0.5: slope ${back.slope.toFixed(3)} (${back.verdict}) after ${back.ms} ms`);
  expect(back.verdict, `expected vanishing after moving the slider back to 0.5, got ${JSON.stringify(back)}`).toBe('vanishing');

  // Paused: the profile of the current weights still follows the slider, without a training step. Not to 3
  // (this check's old flake): after the steps at the large scale and back at 0.5, rescaling W_hh to σ_max = 3
  // often lands on the vanishing side. The preview was of the new weights (its version was newer) and vanishing
  // in 3 of 13 browser runs, flat in 1; on the CPU engine 20% of 252 histories. At the slider's end, 10, the
  // preview explodes after each of the 300 histories above (slope ≤ −0.197), and back at 0.5 every step vanishes
  // (slope ≥ +0.316).
  await page.getByTestId('play').click();
  await expect.poll(() => statusOf(page), { message: 'the paused status', timeout: 10_000 }).toBe('paused');
  const pausedAt = await stepOf(page);
  const pausedFlip = await moveSliderAndRead(page, 10, 10_000);
  console.log(`    paused at step ${pausedAt}, slider → 10: ${pausedFlip.verdict} (slope ${pausedFlip.slope.toFixed(3)}) after ${pausedFlip.ms} ms`);
  expect(pausedFlip.verdict, `expected exploding after moving the slider to 10 while paused, got ${JSON.stringify(pausedFlip)}`).toBe('exploding');
  expect(pausedFlip.step, 'the profile is of the paused step').toBe(pausedAt);
  await page.waitForTimeout(300);
  expect(await stepOf(page), 'moving the slider while paused made no training step').toBe(pausedAt);
  expect((await readSlope(page)).verdict, 'the paused profile stays on the rescaled weights').toBe('exploding');
});

test('pause, single step, reset', async ({ page }) => {
  await openLab(page, '?seed=3');
  await expect.poll(() => stepOf(page), { message: 'training to start', timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await page.getByTestId('play').click(); // pauses
  await expect.poll(() => statusOf(page), { message: 'the paused status', timeout: 10_000 }).toBe('paused');
  await page.waitForTimeout(200);
  const s0 = await stepOf(page);
  await page.waitForTimeout(600);
  expect(await stepOf(page), 'no steps while paused').toBe(s0);
  await page.getByTestId('step').click();
  await expect.poll(() => stepOf(page), { message: `step ${s0 + 1}`, timeout: 10_000 }).toBe(s0 + 1);
  await page.waitForTimeout(300);
  expect(await stepOf(page), 'a single step makes exactly one step').toBe(s0 + 1);
  await shot(page, '05-paused');
  await page.getByTestId('reset').click();
  await expect
    .poll(
      async () => {
        const s = await readState(page);
        return s.step === 0 && s.loss.length === 0;
      },
      { message: 'step 0 after reset', timeout: 20_000 },
    )
    .toBe(true);
  expect(await statusOf(page), 'reset while paused stays paused').toBe('paused');
  await page.getByTestId('play').click();
  await expect.poll(() => stepOf(page), { message: 'training to resume after reset', timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('Space'); // keyboard: pause
  await expect.poll(() => statusOf(page), { message: 'Space to pause', timeout: 10_000 }).toBe('paused');
});

test('a forced divergence pauses with the banner, and rewind restores the last finite checkpoint', async ({ page }) => {
  await openLab(page, '?wrec=5&opt=sgd&lr=5&clip=none');
  const banner = page.getByTestId('divergence-banner');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  const text = await banner.innerText();
  console.log(`    banner: ${text.replace(/\s+/g, ' ').trim()}`);
  expect(text).toMatch(/diverged at step \d+, gradient norm/);
  const diverged = await readState(page);
  expect(diverged.status, 'status after divergence').toBe('diverged');
  await shot(page, '06-diverged');
  await page.getByTestId('rewind').click();
  await expect(banner).toBeHidden({ timeout: 20_000 });
  const rewound = await readState(page);
  console.log(`    rewound from step ${diverged.step} to step ${rewound.step}: ${rewound.message}`);
  expect(rewound.step, 'rewind goes back, not forwards').toBeLessThanOrEqual(diverged.step);
  expect(rewound.status, 'status after rewind').toBe('paused');
  expect(rewound.loss.every((p) => p[0] <= rewound.step), 'the loss chart shows no steps after the checkpoint').toBe(true);
  await shot(page, '07-rewound');
});

test('a number box that clamps a value says so next to it, as a link would', async ({ page }) => {
  await openLab(page, '?engine=cpu');
  for (const [key, typed, want, shown] of [
    ['T', '0', 'T = 0 is below 2; set to 2', '2'],
    ['H', '-5', 'H = -5 is below 1; set to 1', '1'],
    ['lr', '1e9', 'lr = 1000000000 is above 10; set to 10', '10'],
  ]) {
    const box = page.getByTestId(`field-${key}`);
    await box.fill(typed);
    await box.press('Enter');
    expect(await page.getByTestId(`field-notice-${key}`).innerText(), `${key}: the notice`).toBe(want);
    expect(await box.inputValue(), `${key}: the box's value`).toBe(shown);
  }
  // the notices stay next to their boxes (until the box is edited again)
  const kept = await page.locator('.field-notice').allInnerTexts();
  expect(kept.length, `notices shown now: ${JSON.stringify(kept)}`).toBe(3);
  await shot(page, '05b-number-notices');
});

test('bad link values show a notice and the page still trains', async ({ page }) => {
  await openLab(page, '?wrec=banana&H=-3&cell=quantum&zzz=1');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toBeVisible({ timeout: 10_000 });
  expect(await notice.locator('li').count(), 'one notice per bad value').toBe(4);
  await expect.poll(() => stepOf(page), { message: 'training despite the bad link', timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await shot(page, '08-bad-url');
  await page.getByTestId('dismiss-notice').click();
  await expect(notice).toBeHidden({ timeout: 5_000 });
  expect(page.url().includes('H=1') && !page.url().includes('banana'), `the URL was not rewritten to the valid Config: ${page.url()}`).toBe(true);
  // the copy-link button puts exactly this (valid) link on the clipboard
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share'), 'the "copied" confirmation').toContainText('copied', { timeout: 5_000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied, 'the copied link is the page\'s').toBe(page.url());
});

test('10,000+ steps: chart memory stays bounded and the page stays responsive', async ({ page }) => {
  await openLab(page, '?H=2&T=10&B=4');
  await expect.poll(() => stepOf(page), { message: '10,000 steps', timeout: 120_000, intervals: [500] }).toBeGreaterThanOrEqual(10_000);
  const lengths = await page.evaluate(() => {
    const s = window.rnnlab.store.getState();
    return { loss: s.loss.length, gradNorm: s.gradNorm.length, heat: s.heatColumns.length, clips: s.clipSteps.length };
  });
  const t0 = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const twoFrames = Date.now() - t0;
  console.log(`    at step ${await stepOf(page)}: ${lengths.loss} loss points, ${lengths.heat} heatmap columns; two frames took ${twoFrames} ms`);
  expect(lengths.loss <= 801 && lengths.gradNorm <= 801 && lengths.heat <= 240, `unbounded series: ${JSON.stringify(lengths)}`).toBe(true);
  expect(twoFrames, `the page is sluggish: two frames took ${twoFrames} ms`).toBeLessThan(2000);
  await shot(page, '12-ten-thousand-steps');
});

test('presenter mode enlarges type', async ({ page }) => {
  await openLab(page, '?preset=vanishing&wrec=0.5');
  const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const before = await fontSize();
  await page.getByTestId('presenter').click();
  const after = await fontSize();
  expect(after, `font size ${before} → ${after}`).toBeGreaterThan(before * 1.2);
  await expect.poll(() => stepOf(page), { message: 'a few steps', timeout: 60_000 }).toBeGreaterThanOrEqual(10);
  await shot(page, '09-presenter');
});

test('switching engines mid-run keeps the state (WebGPU ⇄ CPU)', async ({ page }) => {
  await openLab(page, '?engine=webgpu&seed=5');
  const first = await readState(page);
  if (first.engine.kind !== 'webgpu') {
    // no WebGPU in this browser: the page must say why, and the CPU run must still switch cleanly
    console.log(`    WebGPU unavailable here: ${first.engine.reason}`);
    expect(first.engine.reason.length, 'CPU fallback with a reason').toBeGreaterThan(0);
  }
  await expect.poll(() => stepOf(page), { message: '20 steps', timeout: 90_000 }).toBeGreaterThanOrEqual(20);
  const from = first.engine.kind;
  const to = from === 'webgpu' ? 'cpu' : 'webgpu';
  await page.getByTestId('engine-select').selectOption(to);
  const before = await stepOf(page);
  await expect
    .poll(
      async () => {
        const s = await readState(page);
        return s.engine.kind !== from || (to === 'webgpu' && s.engine.reason.length > 0 && s.step > before + 5);
      },
      { message: `the switch away from ${from}`, timeout: 30_000 },
    )
    .toBe(true);
  const after = await readState(page);
  console.log(`    ${from} → ${after.engine.kind} at step ${after.step} (${after.engine.reason})`);
  expect(after.step, `step fell from ${before} to ${after.step} after switching engines`).toBeGreaterThanOrEqual(before);
  await expect.poll(() => stepOf(page), { message: 'training to continue after the switch', timeout: 30_000 }).toBeGreaterThan(after.step + 5);
  const now = await readState(page);
  expect(lossReachesStart(now.loss, now.step), `the loss history was cleared by the switch: first point at step ${now.loss[0]?.[0]}, now step ${now.step}`).toBe(true);
  await shot(page, '11-engine-switched');
});
