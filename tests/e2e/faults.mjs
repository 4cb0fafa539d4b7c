// Faults and limits in the page: a lost GPU device, a crashed worker, a hidden tab, a full local store,
// settings over the memory budget, and the Content-Security-Policy (no violation while training). Registered in run.mjs
// (`node tests/e2e/run.mjs fault` runs these alone). The worker's test hooks are self.rnnlabTest.

/** Every page of the context records CSP violations (the document's; a worker's show up as console errors). */
export async function recordCspViolations(context) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
}

/** The training worker (the one with the test hooks), as Playwright's worker handle. */
async function trainerWorker(page, waitFor) {
  return waitFor('the training worker', async () => {
    for (const w of page.workers()) {
      if (await w.evaluate(() => typeof self.rnnlabTest === 'object').catch(() => false)) return w;
    }
    return null;
  }, 30_000);
}

const SMALL = 'cell=rnn_tanh&H=8&T=10&B=4';

export async function faultChecks({ check, context, openPage, base, readState, waitFor, expect, shot, sleep }) {
  await check('faults: CSP: the built page ships a policy without unsafe-eval, and training logs no violation', async () => {
    const consoleCsp = [];
    const page = await openPage(context, base, `?${SMALL}&task=sine`);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
    });
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    console.log(`    policy: ${policy}`);
    expect(policy.includes("script-src 'self'") && !policy.includes('unsafe-eval'), `policy: "${policy}"`);
    await waitFor('100 steps', async () => (await readState(page)).step >= 100, 60_000);
    // the charts, the task view and the gradient heatmap have all drawn by now
    const violations = await page.evaluate(() => window.__cspViolations);
    expect(Array.isArray(violations), 'the violation recorder was not installed');
    expect(violations.length === 0 && consoleCsp.length === 0, `CSP violations: ${[...violations, ...consoleCsp].join('; ')}`);
    await page.close();
  });

  await check('faults: the GPU device is lost mid-run → the run goes on on the CPU from its checkpoint, with a notice', async () => {
    const page = await openPage(context, base, `?engine=webgpu&${SMALL}&seed=4`);
    const first = await readState(page);
    if (first.engine.kind !== 'webgpu') {
      console.log(`    skipped: no WebGPU here (${first.engine.reason})`);
      await page.close();
      return;
    }
    await waitFor('120 steps', async () => (await readState(page)).step >= 120, 60_000);
    const worker = await trainerWorker(page, waitFor);
    const lostAt = (await readState(page)).step;
    expect(await worker.evaluate(() => self.rnnlabTest.loseDevice()), 'the hook found no WebGPU device');
    const moved = await waitFor('the run on the CPU', async () => {
      const s = await readState(page);
      return s.engine.kind === 'cpu' && s.message && s.message.includes('GPU device was lost') ? s : null;
    }, 30_000);
    console.log(`    lost at step ≈${lostAt}: "${moved.message}"; engine: ${moved.engine.kind} (${moved.engine.reason})`);
    const resumedAt = Number(/step (\d+)$/.exec(moved.message)?.[1]);
    expect(resumedAt > 0 && resumedAt <= lostAt + 25, `resumed at step ${resumedAt}, lost at about ${lostAt}`);
    await waitFor('training to go on after the loss', async () => {
      const s = await readState(page);
      if (s.error) throw new Error(`error after the device loss: ${s.error}`);
      return s.status === 'running' && s.step > resumedAt + 50;
    }, 30_000).catch(async (e) => {
      const s = await readState(page);
      throw new Error(`${e.message}: status ${s.status}, step ${s.step}, engine ${s.engine.kind}, message "${s.message}"`);
    });
    const after = await readState(page);
    expect(after.loss.every((p, i, all) => i === 0 || p[0] > all[i - 1][0]), 'the loss chart holds steps out of order after the recovery');
    expect(after.loss.length > 0 && after.loss[0][0] <= 2, 'the loss history was lost');
    await shot(page, '21-device-lost');
    await page.close();
  });

  await check('faults: a crashed worker is restarted from the last checkpoint the page holds, with a notice', async () => {
    const page = await openPage(context, base, `?${SMALL}&seed=6`);
    // the page asks the worker for a checkpoint every 10 s while it trains
    await sleep(11_000);
    const before = await readState(page);
    expect(before.status === 'running' && before.step > 0, `not training: ${before.status}`);
    const worker = await trainerWorker(page, waitFor);
    await worker.evaluate(() => self.rnnlabTest.crash());
    const restarted = await waitFor('the restart notice', async () => {
      const s = await readState(page);
      return s.message && s.message.includes('crashed') ? s : null;
    }, 20_000);
    console.log(`    crashed at step ≈${before.step}: "${restarted.message}"`);
    const from = Number(/checkpoint at step (\d+)/.exec(restarted.message)?.[1]);
    expect(from > 0 && from <= before.step, `not restarted from a checkpoint: "${restarted.message}"`);
    // the old worker's last frames may still arrive before it is gone: ask the new worker itself
    const fresh = await trainerWorker(page, waitFor);
    await waitFor('training to go on in the new worker', async () => {
      const s = await readState(page);
      if (s.error) throw new Error(`error after the restart: ${s.error}`);
      const step = await fresh.evaluate(() => self.rnnlabTest.step());
      return s.status === 'running' && step > from + 20 && s.step > from + 20;
    }, 60_000);
    const after = await readState(page);
    expect(after.loss.length > 0 && after.loss[0][0] <= 0.01 * from, `the loss history before the crash was lost: ${after.loss.length} points from step ${after.loss[0]?.[0]}`);
    await shot(page, '22-worker-restarted');
    await page.close();
  });

  await check('faults: a hidden tab pauses training, and it resumes when visible again', async () => {
    const page = await openPage(context, base, `?${SMALL}&seed=8`);
    await waitFor('20 steps', async () => (await readState(page)).step >= 20, 60_000);
    const setVisibility = (state) =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => v === 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await waitFor('the paused status while hidden', async () => (await readState(page)).status === 'paused', 10_000);
    await sleep(300);
    const s0 = (await readState(page)).step;
    await sleep(1000);
    const s1 = (await readState(page)).step;
    expect(s1 === s0, `steps kept coming while hidden: ${s0} → ${s1}`);
    await setVisibility('visible');
    await waitFor('training to resume when visible', async () => {
      const s = await readState(page);
      return s.status === 'running' && s.step > s1 + 10;
    }, 20_000);
    const { error } = await readState(page);
    expect(!error, `error after resuming: ${error}`);
    console.log(`    hidden at step ${s0}, still ${s1} a second later; resumed to ${(await readState(page)).step}`);
    // a run the user paused stays paused when the tab comes back
    await page.getByTestId('play').click();
    await waitFor('the paused status', async () => (await readState(page)).status === 'paused', 10_000);
    await setVisibility('hidden');
    await setVisibility('visible');
    await sleep(800);
    expect((await readState(page)).status === 'paused', 'a run paused by the user resumed when the tab became visible');
    await page.close();
  });

  await check('faults: a full local store: the save fails with a message, training goes on, the last saved version stays', async () => {
    // a fresh context (its own storage), with the origin's quota set before the page first opens IndexedDB:
    // Chromium reads the quota when the origin's database backend opens
    const own = await context.browser().newContext({ viewport: { width: 1440, height: 1000 } });
    await recordCspViolations(own);
    const page = await own.newPage();
    const cdp = await own.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: base, quotaSize: 4 * 1024 * 1024 });
    try {
      await page.goto(`${base}/?${SMALL}&seed=12`);
      await page.waitForFunction(() => window.rnnlab && window.rnnlab.store.getState().engine !== null, null, { timeout: 60_000 });
      await waitFor('30 steps', async () => (await readState(page)).step >= 30, 60_000);
      const savedStep = () => page.getByTestId('autosave-status').getAttribute('data-step').then(Number);
      await page.getByTestId('play').click(); // a pause saves the run
      const first = await waitFor('the run to be saved', async () => ((await savedStep()) > 0 ? savedStep() : null), 20_000);

      // something else fills the origin's storage to the quota
      const filled = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const open = indexedDB.open('rnnlab-test-filler');
            open.onupgradeneeded = () => open.result.createObjectStore('filler');
            open.onsuccess = () => {
              const db = open.result;
              let bytes = 0;
              const put = (size) => {
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
      await waitFor('training past the saved step', async () => (await readState(page)).step > Math.max(first, state0.step) + 50, 30_000);
      await page.getByTestId('play').click(); // pause: this save cannot fit
      const message = await waitFor('the storage message', async () => {
        const text = await page.getByTestId('export-section').locator('.inline-error').textContent().catch(() => null);
        return text && text.length > 0 ? text : null;
      }, 20_000);
      console.log(`    saved at step ${first}; ${(filled / 1024 / 1024).toFixed(1)} MB of other data filled the 4 MB quota; then: "${message}"`);
      expect(/full|could not be saved/i.test(message), `unexpected message: ${message}`);
      const state = await readState(page);
      expect(!state.error && state.status === 'paused', `the page broke: ${state.status} ${state.error}`);
      const failedAt = state.step;
      // the saved run is the earlier version, whole (settings and weights are written in one transaction)
      const stored = await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const open = indexedDB.open('rnnlab-runs');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              const tx = db.transaction(['runs', 'checkpoints'], 'readonly');
              const id = sessionStorage.getItem('rnnlab-current-run');
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
      expect(stored.step !== null && stored.step >= first && stored.step < failedAt && stored.checkpoint, `the earlier save was lost or damaged: ${JSON.stringify(stored)}`);
      await page.getByTestId('play').click();
      const s0 = (await readState(page)).step;
      await waitFor('training to go on with a full store', async () => (await readState(page)).step > s0 + 20, 30_000);
      const violations = await page.evaluate(() => window.__cspViolations);
      expect(violations.length === 0, `CSP violations: ${violations.join('; ')}`);
      await shot(page, '24-store-full');
    } finally {
      await own.close();
    }
  });

  await check('faults: limits: sizes over the memory budget are refused before anything is allocated, naming the limit', async () => {
    // from a link: the sizes are replaced by the defaults before anything is built, and the notice says why
    const page = await openPage(context, base, '?cell=lstm&H=1024&layers=3&T=1000&B=1024');
    const notice = page.getByTestId('url-notice');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await notice.innerText();
    console.log(`    link: ${text.replace(/\s+/g, ' ').trim()}`);
    expect(/512 MB memory budget/.test(text) && text.includes('H=1024, layers=3, T=1000, B=1024'), `the notice does not name the limit: ${text}`);
    const config = await page.evaluate(() => window.rnnlab.store.getState().config);
    expect(config.H === 32 && config.layers === 1 && config.T === 50 && config.B === 16, `sizes not reset: ${JSON.stringify(config)}`);
    expect(!page.url().includes('H=1024'), `the URL kept the refused sizes: ${page.url()}`);
    await waitFor('the run with the default sizes to train', async () => (await readState(page)).step >= 3, 60_000);
    await page.close();

    // from the controls, mid-run: refused with a message, the run goes on unchanged
    const live = await openPage(context, base, '?cell=lstm&H=64&T=200&B=32');
    const H = live.getByTestId('field-H');
    await H.fill('1024');
    await H.press('Enter');
    const message = await waitFor('the refusal', async () => (await readState(live)).message, 10_000);
    console.log(`    control: ${message}`);
    expect(message.includes('not applied') && message.includes('memory budget'), `unexpected message: ${message}`);
    expect((await live.evaluate(() => window.rnnlab.store.getState().config.H)) === 64, 'the refused H reached the Config');
    expect(!live.url().includes('H=1024'), `the URL took the refused value: ${live.url()}`);
    await shot(live, '23-limit-refused');
    await live.close();
  });
}
