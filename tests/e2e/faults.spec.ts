// Faults and limits in the page: a lost GPU device, a crashed worker, a hidden tab, a full local store,
// settings over the memory budget, and the Content-Security-Policy (no violation while training).
// `npx playwright test tests/e2e/faults.spec.ts` runs these alone. The worker's test hooks are self.rnnlabTest.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { lossReachesStart, openLab, pollFor, readState, shot, statusOf, stepOf, trainerWorker, waitForEngine, type WorkerTestHooks } from './helpers';

const SMALL = 'cell=rnn_tanh&H=8&T=10&B=4';

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

test('faults: CSP: the built page ships a policy without unsafe-eval, and training logs no violation', async ({ page }) => {
  const consoleCsp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
  });
  await openLab(page, `?${SMALL}&task=sine`);
  const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
  console.log(`    policy: ${policy}`);
  expect(policy, 'the policy allows scripts from the site only').toContain("script-src 'self'");
  expect(policy, 'the policy has no unsafe-eval').not.toContain('unsafe-eval');
  await expect.poll(() => stepOf(page), { message: '100 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(100);
  // the charts, the task view and the gradient heatmap have all drawn by now
  const violations = await cspViolations(page);
  expect(Array.isArray(violations), 'the violation recorder is installed').toBe(true);
  expect([...violations, ...consoleCsp], 'CSP violations').toEqual([]);
});

test('faults: the GPU device is lost mid-run → the run goes on on the CPU from its checkpoint, with a notice', async ({ page }) => {
  await openLab(page, `?engine=webgpu&${SMALL}&seed=4`);
  const first = await readState(page);
  test.skip(first.engine.kind !== 'webgpu', `no WebGPU here (${first.engine.reason})`);
  await expect.poll(() => stepOf(page), { message: '120 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(120);
  const worker = await trainerWorker(page);
  const lostAt = await stepOf(page);
  expect(await worker.evaluate(() => (self as unknown as WorkerTestHooks).rnnlabTest.loseDevice()), 'the hook finds a WebGPU device').toBe(true);
  const moved = await pollFor(
    'the run on the CPU',
    async () => {
      const s = await readState(page);
      return s.engine.kind === 'cpu' && s.message && s.message.includes('GPU device was lost') ? s : null;
    },
    { timeout: 30_000 },
  );
  console.log(`    lost at step ≈${lostAt}: "${moved.message}"; engine: ${moved.engine.kind} (${moved.engine.reason})`);
  const resumedAt = Number(/step (\d+)$/.exec(moved.message ?? '')?.[1]);
  expect(resumedAt > 0 && resumedAt <= lostAt + 25, `resumed at step ${resumedAt}, lost at about ${lostAt}`).toBe(true);
  await expect
    .poll(
      async () => {
        const s = await readState(page);
        if (s.error) throw new Error(`error after the device loss: ${s.error}`);
        return s.status === 'running' && s.step > resumedAt + 50;
      },
      { message: 'training to go on after the loss', timeout: 30_000 },
    )
    .toBe(true)
    .catch(async (e: Error) => {
      const s = await readState(page);
      throw new Error(`${e.message}: status ${s.status}, step ${s.step}, engine ${s.engine.kind}, message "${s.message}"`);
    });
  const after = await readState(page);
  expect(after.loss.every((p, i, all) => i === 0 || p[0] > all[i - 1][0]), 'the loss chart holds its steps in order after the recovery').toBe(true);
  expect(lossReachesStart(after.loss, after.step), `the loss history was lost: first point at step ${after.loss[0]?.[0]}, now step ${after.step}`).toBe(true);
  await shot(page, '21-device-lost');
});

test('faults: a crashed worker is restarted from the last checkpoint the page holds, with a notice', async ({ page }) => {
  await openLab(page, `?${SMALL}&seed=6`);
  // the page asks the worker for a checkpoint every 10 s while it trains
  await page.waitForTimeout(11_000);
  const before = await readState(page);
  expect(before.status === 'running' && before.step > 0, `not training: ${before.status}`).toBe(true);
  const worker = await trainerWorker(page);
  await worker.evaluate(() => (self as unknown as WorkerTestHooks).rnnlabTest.crash());
  const restarted = await pollFor(
    'the restart notice',
    async () => {
      const s = await readState(page);
      return s.message && s.message.includes('crashed') ? s : null;
    },
    { timeout: 20_000 },
  );
  console.log(`    crashed at step ≈${before.step}: "${restarted.message}"`);
  const from = Number(/checkpoint at step (\d+)/.exec(restarted.message ?? '')?.[1]);
  expect(from > 0 && from <= before.step, `not restarted from a checkpoint: "${restarted.message}"`).toBe(true);
  // the old worker's last frames may still arrive before it is gone: ask the new worker itself
  const fresh = await trainerWorker(page);
  await expect
    .poll(
      async () => {
        const s = await readState(page);
        if (s.error) throw new Error(`error after the restart: ${s.error}`);
        const step = await fresh.evaluate(() => (self as unknown as WorkerTestHooks).rnnlabTest.step());
        return s.status === 'running' && step > from + 20 && s.step > from + 20;
      },
      { message: 'training to go on in the new worker', timeout: 60_000 },
    )
    .toBe(true);
  const after = await readState(page);
  expect(after.loss.length > 0 && after.loss[0][0] <= 0.01 * from, `the loss history before the crash was lost: ${after.loss.length} points from step ${after.loss[0]?.[0]}`).toBe(true);
  await shot(page, '22-worker-restarted');
});

test('faults: a hidden tab pauses training, and it resumes when visible again', async ({ page }) => {
  await openLab(page, `?${SMALL}&seed=8`);
  await expect.poll(() => stepOf(page), { message: '20 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(20);
  const setVisibility = (state: 'hidden' | 'visible') =>
    page.evaluate((v) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => v === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await setVisibility('hidden');
  await expect.poll(() => statusOf(page), { message: 'the paused status while hidden', timeout: 10_000 }).toBe('paused');
  await page.waitForTimeout(300);
  const s0 = await stepOf(page);
  await page.waitForTimeout(1000);
  const s1 = await stepOf(page);
  expect(s1, `steps kept coming while hidden: ${s0} → ${s1}`).toBe(s0);
  await setVisibility('visible');
  await expect
    .poll(
      async () => {
        const s = await readState(page);
        return s.status === 'running' && s.step > s1 + 10;
      },
      { message: 'training to resume when visible', timeout: 20_000 },
    )
    .toBe(true);
  const { error } = await readState(page);
  expect(error, 'no error after resuming').toBeFalsy();
  console.log(`    hidden at step ${s0}, still ${s1} a second later; resumed to ${await stepOf(page)}`);
  // a run the user paused stays paused when the tab comes back
  await page.getByTestId('play').click();
  await expect.poll(() => statusOf(page), { message: 'the paused status', timeout: 10_000 }).toBe('paused');
  await setVisibility('hidden');
  await setVisibility('visible');
  await page.waitForTimeout(800);
  expect(await statusOf(page), 'a run paused by the user stays paused when the tab becomes visible').toBe('paused');
});

test('faults: a full local store: the save fails with a message, training goes on, the last saved version stays', async ({ context, page, baseURL }) => {
  // The test's own context has storage of its own; the origin's quota is set before the page first opens
  // IndexedDB: Chromium reads the quota when the origin's database backend opens.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: baseURL!, quotaSize: 4 * 1024 * 1024 });
  await page.goto(`/?${SMALL}&seed=12`);
  await waitForEngine(page);
  await expect.poll(() => stepOf(page), { message: '30 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(30);
  const savedStep = () => page.getByTestId('autosave-status').getAttribute('data-step').then(Number);
  await page.getByTestId('play').click(); // a pause saves the run
  const first = await pollFor('the run to be saved', async () => ((await savedStep()) > 0 ? savedStep() : null), { timeout: 20_000 });

  // something else fills the origin's storage to the quota
  const filled = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('rnnlab-test-filler');
        open.onupgradeneeded = () => open.result.createObjectStore('filler');
        open.onsuccess = () => {
          const db = open.result;
          let bytes = 0;
          const put = (size: number) => {
            const tx = db.transaction('filler', 'readwrite');
            // random bytes: the database compresses values, a pattern would take no room
            const chunk = new Uint8Array(size);
            for (let o = 0; o < size; o += 65536) crypto.getRandomValues(chunk.subarray(o, Math.min(size, o + 65536)));
            tx.objectStore('filler').put(chunk, `chunk-${bytes}`);
            tx.oncomplete = () => {
              bytes += size;
              put(size);
            };
            tx.onabort = () => (size > 4096 ? put(size >> 2) : (db.close(), resolve(bytes)));
          };
          put(512 * 1024);
        };
      }),
  );
  const state0 = await readState(page);
  await page.getByTestId('play').click();
  await expect.poll(() => stepOf(page), { message: 'training past the saved step', timeout: 30_000 }).toBeGreaterThan(Math.max(first, state0.step) + 50);
  await page.getByTestId('play').click(); // pause: this save cannot fit
  const message = await pollFor(
    'the storage message',
    async () => {
      const text = await page.getByTestId('export-section').locator('.inline-error').textContent({ timeout: 1000 }).catch(() => null);
      return text && text.length > 0 ? text : null;
    },
    { timeout: 20_000 },
  );
  console.log(`    saved at step ${first}; ${(filled / 1024 / 1024).toFixed(1)} MB of other data filled the 4 MB quota; then: "${message}"`);
  expect(message).toMatch(/full|could not be saved/i);
  const state = await readState(page);
  expect(!state.error && state.status === 'paused', `the page broke: ${state.status} ${state.error}`).toBe(true);
  const failedAt = state.step;
  // the saved run is the earlier version, whole (settings and weights are written in one transaction)
  const stored = await page.evaluate(
    () =>
      new Promise<{ step: number | null; checkpoint: boolean }>((resolve, reject) => {
        const open = indexedDB.open('rnnlab-runs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['runs', 'checkpoints'], 'readonly');
          const id = sessionStorage.getItem('rnnlab-current-run')!;
          const run = tx.objectStore('runs').get(id);
          const checkpoint = tx.objectStore('checkpoints').get(id);
          tx.oncomplete = () => {
            resolve({ step: run.result ? run.result.step : null, checkpoint: !!checkpoint.result });
            db.close();
          };
        };
      }),
  );
  console.log(`    the save at step ${failedAt} failed; in the store: this run at step ${stored.step}, with its checkpoint: ${stored.checkpoint}`);
  expect(stored.step !== null && stored.step >= first && stored.step < failedAt && stored.checkpoint, `the earlier save was lost or damaged: ${JSON.stringify(stored)}`).toBe(true);
  await page.getByTestId('play').click();
  const s0 = await stepOf(page);
  await expect.poll(() => stepOf(page), { message: 'training to go on with a full store', timeout: 30_000 }).toBeGreaterThan(s0 + 20);
  expect(await cspViolations(page), 'CSP violations').toEqual([]);
  await shot(page, '24-store-full');
});

test('faults: limits: sizes over the memory budget are refused before anything is allocated, naming the limit', async ({ context, page }) => {
  // from a link: the sizes are replaced by the defaults before anything is built, and the notice says why
  await openLab(page, '?cell=lstm&H=1024&layers=3&T=1000&B=1024');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toBeVisible({ timeout: 10_000 });
  const text = await notice.innerText();
  console.log(`    link: ${text.replace(/\s+/g, ' ').trim()}`);
  expect(text, 'the notice names the limit').toMatch(/512 MB memory budget/);
  expect(text, 'the notice names the sizes').toContain('H=1024, layers=3, T=1000, B=1024');
  const config = await page.evaluate(() => window.rnnlab.store.getState().config);
  expect(config.H === 32 && config.layers === 1 && config.T === 50 && config.B === 16, `sizes not reset: ${JSON.stringify(config)}`).toBe(true);
  expect(page.url(), 'the URL drops the refused sizes').not.toContain('H=1024');
  await expect.poll(() => stepOf(page), { message: 'the run with the default sizes to train', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.close();

  // from the controls, mid-run: refused with a message, the run goes on unchanged
  const live = await openLab(await context.newPage(), '?cell=lstm&H=64&T=200&B=32');
  const H = live.getByTestId('field-H');
  await H.fill('1024');
  await H.press('Enter');
  const message = await pollFor('the refusal', async () => (await readState(live)).message, { timeout: 10_000 });
  console.log(`    control: ${message}`);
  expect(message.includes('not applied') && message.includes('memory budget'), `unexpected message: ${message}`).toBe(true);
  expect(await live.evaluate(() => window.rnnlab.store.getState().config.H), 'the refused H stays out of the Config').toBe(64);
  expect(live.url(), 'the URL does not take the refused value').not.toContain('H=1024');
  await shot(live, '23-limit-refused');
});
