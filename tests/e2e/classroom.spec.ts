// The classroom and take-away features: embed mode, hidden controls, the share menu, the export panel's model
// download and run archive, the inside-the-cell views after a pause, a race from a link, and a reload that
// resumes the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { TORCH_PYTHON } from '../python/torchPython';
import { expect, test } from './fixtures';
import { lossReachesStart, openLab, pollFor, readState, shot, statusOf, stepOf, waitForEngine } from './helpers';

test('embed mode: minimal chrome, and hide= hides controls and groups', async ({ page }) => {
  await openLab(page, '?preset=vanishing&wrec=0.5&embed=1&hide=lr,clip,model,wrec');
  await expect.poll(() => stepOf(page), { message: 'a few steps', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  const counts = await page.evaluate(() => {
    const n = (sel: string) => document.querySelectorAll(sel).length;
    return {
      tagline: n('.tagline'),
      footer: n('.app-footer'),
      sections: n('[data-testid="export-section"], [data-testid="inside-section"]'),
      lr: n('[data-testid="field-lr"]'),
      clip: n('[data-testid="field-clip"]'),
      cell: n('[data-testid="field-cell"]'),
      H: n('[data-testid="field-H"]'),
      wrec: n('[data-testid="wrec-slider"]'),
      B: n('[data-testid="field-B"]'),
      task: n('[data-testid="field-task"]'),
      full: n('[data-testid="open-full"]'),
    };
  });
  expect(counts.tagline === 0 && counts.footer === 0 && counts.sections === 0, `embed still shows chrome: ${JSON.stringify(counts)}`).toBe(true);
  expect(counts.lr === 0 && counts.clip === 0 && counts.cell === 0 && counts.H === 0 && counts.wrec === 0, `hidden controls are shown: ${JSON.stringify(counts)}`).toBe(true);
  expect(counts.B === 1 && counts.task === 1 && counts.full === 1, `controls that should stay are gone: ${JSON.stringify(counts)}`).toBe(true);
  const href = await page.getByTestId('open-full').getAttribute('href');
  expect(href, '"open the full lab" leaves embed mode').not.toContain('embed=1');
  await shot(page, '20-embed-hide');
});

test('share menu: pin engine and steps, and a copyable embed snippet', async ({ page }) => {
  await openLab(page, '?preset=vanishing&wrec=0.5&engine=cpu');
  await expect.poll(() => stepOf(page), { message: '10 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(10);
  await page.getByTestId('play').click(); // pauses, so the pinned step count holds still
  await expect.poll(() => statusOf(page), { message: 'the pause', timeout: 10_000 }).toBe('paused');
  await page.getByTestId('share-menu').click();
  const plain = await page.getByTestId('share-link').inputValue();
  expect(plain, 'an unpinned link does not pin the engine').not.toContain('engine=');
  await page.getByTestId('pin-engine').check();
  await page.getByTestId('pin-steps').check();
  const pinned = await page.getByTestId('share-link').inputValue();
  expect(pinned.includes('engine=cpu') && /steps=\d+/.test(pinned), `pinned link: ${pinned}`).toBe(true);
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  expect(snippet.startsWith('<iframe src="') && snippet.includes('embed=1'), `snippet: ${snippet}`).toBe(true);
  await page.getByTestId('copy-embed').click();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  expect(clip, 'the copied snippet is the one shown').toBe(snippet);
  await shot(page, '21-share-menu');
});

test('presenter mode from the link', async ({ page }) => {
  await openLab(page, '?preset=vanishing&wrec=0.5&presenter=1');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(size, 'presenter=1 enlarges the font').toBeGreaterThanOrEqual(20);
  await page.getByTestId('presenter').click();
  await expect.poll(() => page.evaluate(() => location.search), { message: 'presenter=1 to leave the URL', timeout: 5000 }).not.toContain('presenter');
});

test('export panel downloads the model as safetensors, and imports it back', async ({ page }) => {
  await openLab(page, '?cell=lstm&T=20&H=16&engine=cpu');
  await expect.poll(() => stepOf(page), { message: '5 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await page.getByTestId('play').click(); // pause: the file holds the weights of this exact step
  await expect.poll(() => statusOf(page), { message: 'the pause', timeout: 10_000 }).toBe('paused');
  const exportedStep = await stepOf(page);
  await page.getByTestId('export-section').locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('export-model').click()]);
  const bytes = readFileSync(await download.path());
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  expect(download.suggestedFilename(), 'the file name').toMatch(/\.safetensors$/);
  expect('lstm.weight_hh_l0' in header || Object.keys(header).some((k) => k.includes('weight_hh_l0')), `tensors: ${Object.keys(header).join(', ')}`).toBe(true);
  console.log(`    ${download.suggestedFilename()}: ${bytes.length} bytes, ${Object.keys(header).length - 1} tensors`);
  // back to step 0, then load the file: the run is at the exported step again
  await page.getByTestId('reset').click();
  await expect.poll(() => stepOf(page), { message: 'the reset', timeout: 10_000 }).toBe(0);
  await page.getByTestId('import-file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: bytes });
  await expect.poll(() => stepOf(page), { message: `the imported weights at step ${exportedStep}`, timeout: 20_000 }).toBe(exportedStep);
  const note = await page.getByTestId('export-message').innerText();
  expect(note, 'the import message').toMatch(/^Loaded/);
  console.log(`    imported back: ${note.slice(0, 120)}`);
  await shot(page, '22-export-panel');
});

test('export panel: "Download run (.zip)" holds what train.py reads, and the check file works right after a pause', async ({ page }) => {
  await openLab(page, '?task=char&corpus=code&cell=lstm&T=16&H=16&engine=cpu');
  await expect.poll(() => stepOf(page), { message: '5 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await page.getByTestId('play').click();
  await expect.poll(() => statusOf(page), { message: 'the pause', timeout: 10_000 }).toBe('paused');
  const pausedAt = await stepOf(page);
  await page.getByTestId('export-section').locator('summary').click();
  const zipButton = page.getByTestId('export-run-zip');
  await expect(zipButton, 'the run archive is the first button of the panel').toBeVisible();
  expect(await page.getByTestId('export-panel').locator('button').first().getAttribute('data-testid')).toBe('export-run-zip');
  const [zipDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), zipButton.click()]);
  expect(zipDownload.suggestedFilename()).toMatch(/^rnnlab-char-lstm-step\d+\.zip$/);
  const files = unzipSync(readFileSync(await zipDownload.path()));
  expect(Object.keys(files).sort()).toEqual(['README.txt', 'check.json', 'code.txt', 'config.txt', 'model.safetensors', 'train.py']);
  expect(strFromU8(files['config.txt'])).toContain(`${new URL(page.url()).origin}/?v=1&task=char`);
  await expect(page.getByTestId('export-message')).toContainText('python3 train.py');
  await page.getByTestId('export-panel').scrollIntoViewIfNeeded();
  await shot(page, '22b-export-run-zip');
  // right after the pause the check file is offered and is of these weights, whatever the last task snapshot was
  const [checkDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('export-check').click()]);
  const check = JSON.parse(readFileSync(await checkDownload.path(), 'utf8')) as { step: number };
  expect(check.step, 'the check file is of the paused step').toBe(pausedAt);
  // Both check files against the archive's weights, with the script's plain-Python forward (no torch needed).
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-e2e-zip-'));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, 'check-button.json'), readFileSync(await checkDownload.path()));
    for (const file of ['check.json', 'check-button.json']) {
      const run = spawnSync(TORCH_PYTHON, ['train.py', '--pure-check', file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(run.status, `${file}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!).max_abs_diff, file).toBeLessThan(1e-4);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inside the cell renders after a pause, computed on the WebGPU engine (heat map too)', async ({ page }) => {
  await openLab(page, '?cell=lstm&T=20&H=16&engine=webgpu');
  await expect.poll(() => stepOf(page), { message: '5 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await page.getByTestId('play').click(); // pauses
  await page.getByTestId('inside-section').locator('summary').click();
  await expect(page.getByTestId('gate-histograms')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('connectivity')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('cell-diagram')).toBeVisible({ timeout: 30_000 });
  const caption = await page.getByTestId('connectivity').innerText();
  expect(caption.includes('computed on the GPU (WebGPU)'), `connectivity caption: ${caption.slice(0, 200)}`).toBe(true);
  await page.getByText('connectivity for every t').click();
  await expect(page.locator('[data-testid="connectivity"] canvas')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('inside-section').scrollIntoViewIfNeeded();
  await shot(page, '23-inside-the-cell');
  await page.getByTestId('connectivity').scrollIntoViewIfNeeded();
  await shot(page, '23b-connectivity-on-webgpu');
});

test('inside the cell follows a running training (GRU gates over the whole batch)', async ({ page }) => {
  await openLab(page, '?cell=gru&T=20&H=16&engine=webgpu');
  await expect.poll(() => stepOf(page), { message: '2 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('inside-section').locator('summary').click();
  await expect(page.getByTestId('gate-histograms')).toBeVisible({ timeout: 30_000 });
  const stepShown = async () => Number(/step (\d+)/.exec(await page.getByTestId('cell-diagram').innerText())?.[1] ?? NaN);
  const first = await stepShown();
  await expect.poll(stepShown, { message: 'a newer inspection while training runs', timeout: 30_000 }).toBeGreaterThan(first);
  const caption = await page.getByTestId('gate-histograms').innerText();
  expect(caption, 'the gate caption').toMatch(/\d+ sequences of 20 steps/);
  console.log(`    inspected at step ${first}, then ${await stepShown()} while running`);
});

test('a long heat map shows its progress and stops when it is switched off', async ({ page }) => {
  await openLab(page, '?task=char&corpus=code&cell=lstm&H=96&T=64&engine=webgpu');
  await expect.poll(() => stepOf(page), { message: '2 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('play').click(); // pauses
  await page.getByTestId('inside-section').locator('summary').click();
  await expect(page.getByTestId('connectivity')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('heat-map-toggle').check();
  const progress = page.getByTestId('inspect-progress');
  await expect(progress, 'the heat map progress readout').toHaveText(/connectivity \d+ \/ \d+ passes/, { timeout: 60_000 });
  const readout = await progress.textContent();
  await page.getByTestId('heat-map-toggle').uncheck();
  await expect(progress, 'the inspection without the heat map').toHaveCount(0, { timeout: 60_000 });
  expect(await page.locator('[data-testid="connectivity"] canvas').count(), 'no heat map drawn once switched off').toBe(0);
  expect(await page.getByTestId('heat-map-toggle').isChecked(), 'the heat-map box stays unchecked').toBe(false);
  console.log(`    progress seen: "${readout}"`);
});

test('inside the cell on text: units coloured over the characters', async ({ page }) => {
  await openLab(page, '?task=char&corpus=code&cell=lstm&H=16&T=20&engine=cpu');
  await expect.poll(() => stepOf(page), { message: '3 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('play').click();
  await page.getByTestId('inside-section').locator('summary').click();
  await expect(page.getByTestId('unit-text')).toBeVisible({ timeout: 30_000 });
  const text = await page.getByTestId('unit-text').innerText();
  expect(text.length, `the unit text is nearly empty: ${text.slice(0, 80)}`).toBeGreaterThan(50);
  await page.getByTestId('unit-text').scrollIntoViewIfNeeded();
  await shot(page, '26-inside-text');
});

test('a race from the link runs in the lab, on the page\'s WebGPU engine', async ({ page }) => {
  await openLab(page, '?task=adding&T=10&H=8&engine=webgpu&race=rnn_tanh,lstm');
  const notices = (await readState(page)).notices;
  expect(notices, 'the race link gives no notices').toEqual([]);
  await expect(page.getByTestId('race-view')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('race-view'), 'the race readout naming its engine').toContainText(/on WebGPU on /, { timeout: 60_000 });
  await page.getByTestId('lab-section').scrollIntoViewIfNeeded();
  await shot(page, '24-race');
});

test('the Greff preset races LSTM, CIFG and NFG when the lab opens', async ({ page }) => {
  await openLab(page, '?preset=greff&cell=lstm&variant=nfg&T=10&H=8&engine=cpu');
  await page.getByTestId('lab-section').locator('summary').click();
  await expect(page.getByTestId('race-view')).toBeVisible({ timeout: 60_000 });
  const legend = await page.getByTestId('race-view').innerText();
  expect(/CIFG/i.test(legend) && /NFG/i.test(legend), `the race shows: ${legend.slice(0, 200)}`).toBe(true);
});

test('a reload restores the run', async ({ page }) => {
  await openLab(page, '?preset=vanishing&wrec=0.5&engine=cpu&seed=9');
  await expect.poll(() => stepOf(page), { message: '40 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(40);
  await page.getByTestId('play').click(); // pauses
  const saved = await pollFor(
    'the autosave',
    async () => {
      const s = Number(await page.getByTestId('autosave-status').getAttribute('data-step'));
      return s >= 40 ? s : 0;
    },
    { timeout: 20_000 },
  );
  await page.reload();
  await waitForEngine(page);
  await expect
    .poll(
      async () => {
        const st = await readState(page);
        return st.step >= saved && (st.message ?? '').startsWith('resumed');
      },
      { message: `the run to resume at step ${saved}`, timeout: 20_000 },
    )
    .toBe(true);
  const s = await readState(page);
  expect(lossReachesStart(s.loss, s.step), `the loss history did not come back (first point ${JSON.stringify(s.loss[0])}, step ${s.step})`).toBe(true);
  console.log(`    saved at step ${saved}; after the reload: step ${s.step}, ${s.loss.length} loss points`);
  await expect.poll(() => stepOf(page), { message: 'training to go on', timeout: 20_000 }).toBeGreaterThanOrEqual(saved + 50);
  const later = await readState(page);
  const steps = later.loss.map((p) => p[0]);
  expect(steps.every((x, i) => i === 0 || x > steps[i - 1]), 'the loss history is in order after the resume').toBe(true);
  expect(steps[steps.length - 1], `the loss line stops at step ${steps[steps.length - 1]} while the run is at ${later.step}`).toBeGreaterThanOrEqual(saved + 40);
  await shot(page, '25-reload-restored');
});
