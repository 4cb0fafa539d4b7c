// Reading and driving the lab page in the browser tests. The store is exposed as window.rnnlab.store (for tests
// and the console); the training worker's test hooks as self.rnnlabTest.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Worker } from '@playwright/test';
import { expect } from './fixtures';

const shotDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'artifacts', 'screenshots');

/** The training worker's hooks (src/train/worker.ts). */
export interface WorkerTestHooks {
  rnnlabTest: { loseDevice(): boolean; crash(): void; step(): number; liveGpuBuffers(): number };
}

/** Opens the lab at `query` ('' or '?…') and waits until it runs on an engine. */
export async function openLab(page: Page, query: string): Promise<Page> {
  await page.goto(`/${query}`);
  await waitForEngine(page);
  return page;
}

export async function waitForEngine(page: Page): Promise<void> {
  await page.waitForFunction(() => window.rnnlab && window.rnnlab.store.getState().engine !== null, null, { timeout: 60_000 });
}

/**
 * expect.poll for a value: polls `find` until it returns something truthy and returns that (a throw in `find`
 * fails at once, as a failed check should).
 */
export async function pollFor<T>(message: string, find: () => Promise<T | null | undefined | false | 0 | ''>, options: { timeout: number; intervals?: number[] }): Promise<T> {
  let found: T | undefined;
  await expect
    .poll(
      async () => {
        const value = await find();
        if (value) found = value as T;
        return Boolean(value);
      },
      { message: `waiting for ${message}`, ...options },
    )
    .toBe(true);
  return found as T;
}

/** A few fields of the store. */
export function readState(page: Page) {
  return page.evaluate(() => {
    const s = window.rnnlab.store.getState();
    return {
      status: s.status,
      step: s.step,
      engine: s.engine!,
      divergence: s.divergence,
      error: s.error,
      notices: s.notices,
      message: s.message,
      wrec: s.config.wrec,
      loss: s.loss.map((p) => [p.step, p.value] as [number, number]),
      profileStep: s.profile ? s.profile.step : -1,
      profileVersion: s.profile ? s.profile.weightsVersion : -1, // the weights version the shown profile is of
      heatColumns: s.heatColumns.length,
    };
  });
}

/** The training step the store shows. */
/**
 * Whether a loss series (as readState gives it) still reaches back to the run's first steps at step `step`: its
 * first point is the first bucket of the decimated series (state/charts.ts keeps 800 points and merges neighbours in
 * pairs, so at step N the first point holds at most 2N/800 steps, and at least 2 once merged).
 */
export function lossReachesStart(loss: readonly (readonly number[])[], step: number): boolean {
  return loss.length > 0 && loss[0][0] <= Math.max(2, (2 * step) / 800);
}

export const stepOf = async (page: Page) => (await readState(page)).step;
export const statusOf = async (page: Page) => (await readState(page)).status;

/** The gradient-flow readout: slope of log10‖∂L/∂h_t‖ over t, its verdict, and the step it is from (one read). */
export function readSlope(page: Page) {
  return page.getByTestId('grad-slope').evaluate((el: HTMLElement) => ({
    slope: el.dataset.slope === '' ? NaN : Number(el.dataset.slope),
    verdict: el.dataset.verdict,
    step: Number(el.dataset.step),
  }));
}

/** The gradient-flow readout once the page has rendered the store's current profile (two animation frames). */
export async function readRenderedSlope(page: Page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return readSlope(page);
}

/** Sets the W_rec slider the way a user's drag does (an input event React sees). */
export async function setSlider(page: Page, scale: number): Promise<void> {
  await page.getByTestId('wrec-slider').evaluate((input: HTMLInputElement, s) => {
    const position = Math.round(((Math.log10(s) + 1) / 2) * Number(input.max)); // 0.1–10 on a log track
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, String(position));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, scale);
}

/**
 * Moves the W_rec slider and waits for the first profile of the rescaled weights: one stamped with a newer
 * weights version than the profile shown before (the worker bumps it on the rescale). Returns that profile's
 * readout as rendered, and how long it took. No polling for a verdict: the first profile of the new weights
 * must show it, so an old profile kept on screen, or put back, fails here.
 */
export async function moveSliderAndRead(page: Page, scale: number, timeoutMs: number) {
  const before = (await readState(page)).profileVersion;
  const t0 = Date.now();
  await setSlider(page, scale);
  const first = await pollFor(
    `a gradient profile of the weights rescaled to ${scale}`,
    async () => {
      const s = await readState(page);
      return s.profileVersion > before ? { step: s.profileStep } : null;
    },
    { timeout: timeoutMs, intervals: [20] }, // fine-grained: the time taken is part of the result
  );
  const ms = Date.now() - t0;
  const readout = await readRenderedSlope(page);
  expect(readout.step, `the readout shows step ${readout.step}, older than the rescaled weights' first profile (step ${first.step})`).toBeGreaterThanOrEqual(first.step);
  return { ...readout, ms };
}

/** A screenshot of the viewport in artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(shotDir, { recursive: true });
  await page.waitForTimeout(700); // the loss and spectrum charts redraw at most every 0.5 s
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: false });
}

/** The training worker (the one with the test hooks), as Playwright's worker handle. */
export function trainerWorker(page: Page): Promise<Worker> {
  return pollFor(
    'the training worker',
    async () => {
      for (const w of page.workers()) {
        if (await w.evaluate(() => typeof (self as unknown as WorkerTestHooks).rnnlabTest === 'object').catch(() => false)) return w;
      }
      return null;
    },
    { timeout: 30_000 },
  );
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
