// The papers' figures, live: the cliff (Pascanu et al. 2013) opens from its link, is computed in the training
// worker on the page's engine, draws ≥ 40 points, exports its numbers, and leaves the run as it was.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectFigurePassesAxe, expectImageExports, figureCsvRows } from './figureChecks';
import { expect, test } from './fixtures';
import { openLab, readState } from './helpers';

const shotDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'artifacts', 'screenshots');

test.use({ viewport: { width: 1440, height: 900 } });

test('figures: ?lesson=clipping&figure=cliff opens the cliff; Compute draws it from the live network', async ({ page }) => {
  // steps=1: the run stops after its first step, where the gradient (‖g‖ ≈ 10²) is far past the clip threshold
  await openLab(page, '?lesson=clipping&figure=cliff&engine=cpu&steps=1');
  const figure = page.getByTestId('cliff-figure');
  await expect(figure).toHaveAttribute('open', '');
  await expect.poll(async () => { const s = await readState(page); return `${s.status} ${s.step}`; }, { timeout: 30_000 }).toBe('paused 1');
  const before = (await readState(page)).step;

  await figure.scrollIntoViewIfNeeded();
  await page.getByTestId('cliff-compute').click();
  const chart = page.getByTestId('cliff-chart');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  const points = Number(await chart.getAttribute('data-points'));
  expect(points).toBeGreaterThanOrEqual(40);
  await expect(chart).toHaveAttribute('aria-label', /rises .*-fold/);
  await expect(page.getByTestId('cliff-verdict')).toHaveText(/^Agrees with the paper: ‖∇L‖ is at most .* for σ_max ≤ 0\.5 and at least .* for σ_max ≥ 3, a rise/);
  expect((await page.getByTestId('cliff-grad-line').getAttribute('d'))!.match(/[ML]/g)!.length).toBe(points);
  expect((await readState(page)).step, 'computing the figure trains nothing').toBe(before);
  expect(page.url()).toContain('figure=cliff');

  const rows = await figureCsvRows(page, 'cliff');
  expect(rows[0]).toBe('kind,sigma_max,loss,grad_norm');
  expect(rows.filter((r) => r.startsWith('curve,'))).toHaveLength(points);

  await expectImageExports(page, 'cliff', 'σ_max(W_rec), log scale');

  // the figure passes axe (serious and critical) as the rest of the page does
  await expectFigurePassesAxe(page, 'cliff');

  mkdirSync(shotDir, { recursive: true });
  await figure.screenshot({ path: join(shotDir, 'figure-cliff.png') });
});

test('figures: an embedded page shows the figure its link opens and no other', async ({ page }) => {
  await openLab(page, '?lesson=clipping&figure=cliff&engine=cpu&steps=1&embed=1');
  await expect(page.getByTestId('cliff-figure')).toHaveAttribute('open', '');
  await expect(page.getByTestId('export-section')).toHaveCount(0);
  await page.getByTestId('cliff-compute').click();
  await expect(page.getByTestId('cliff-verdict')).toHaveText(/^Agrees with the paper/, { timeout: 60_000 });
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: join(shotDir, 'figure-cliff-embed.png'), fullPage: true });
  // the lesson's other figure (the vanishing lesson's success figure) waits closed on the full page, not embedded
  await openLab(page, '?lesson=vanishing&engine=cpu&embed=1');
  await expect(page.getByTestId('success-figure')).toHaveCount(0);
  await openLab(page, '?lesson=vanishing&engine=cpu');
  await expect(page.getByTestId('success-figure')).not.toHaveAttribute('open');
});

test('figures: Cancel stops the cliff, one over its limit is refused by name, and closing the figure takes it out of the link', async ({ page }) => {
  // H = 128, T = 200: about 1e10 multiply-adds, seconds on the CPU engine (time to press Cancel)
  await openLab(page, '?lesson=exploding&figure=cliff&engine=cpu&H=128&T=200');
  const figure = page.getByTestId('cliff-figure');
  await figure.scrollIntoViewIfNeeded();
  await page.getByTestId('cliff-compute').click();
  await page.getByTestId('cliff-cancel').click();
  await expect(page.getByTestId('cliff-compute')).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('cliff-chart')).toHaveCount(0);
  await expect(page.getByTestId('cliff-figure').getByRole('alert')).toHaveCount(0); // a cancel is not an error

  await openLab(page, '?lesson=exploding&figure=cliff&engine=cpu&H=256&T=200');
  await page.getByTestId('cliff-compute').click();
  await expect(page.getByTestId('cliff-figure').getByRole('alert')).toContainText('over its limit of 2e+10: lower H, T, B or layers');
  await figure.locator('summary').click();
  await expect.poll(() => page.url()).not.toContain('figure=cliff');
});

test('figures: ?lesson=char&figure=saturation opens gate saturation; Compute draws the checkpoint beside a fresh network', async ({ page }) => {
  // steps=2000: the lesson opens from its checkpoint at step 2000 and stays there, so the figure is of the shipped weights
  await openLab(page, '?lesson=char&figure=saturation&engine=cpu&steps=2000');
  const figure = page.getByTestId('saturation-figure');
  await expect(figure).toHaveAttribute('open', '');
  await expect.poll(async () => { const s = await readState(page); return `${s.status} ${s.step}`; }, { timeout: 30_000 }).toBe('paused 2000');

  await figure.scrollIntoViewIfNeeded();
  await page.getByTestId('saturation-compute').click();
  const chart = page.getByTestId('saturation-chart');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  for (const network of ['trained', 'fresh']) {
    for (const gate of ['f', 'i', 'o']) await expect(page.getByTestId(`saturation-panel-${network}-${gate}`).locator('circle')).toHaveCount(64);
  }
  // the counts in words (the text alternative): the checkpoint has always-remembering units, the fresh network none
  const label = (await chart.getAttribute('aria-label'))!;
  const remembering = (part: string) => Number(/forget gate: (\d+) of 64 units above 0.9/.exec(part)![1]);
  const [trained, fresh] = label.split('Fresh network');
  expect(remembering(trained)).toBeGreaterThanOrEqual(17);
  expect(remembering(fresh)).toBeLessThanOrEqual(2);
  await expect(page.getByTestId('saturation-verdict')).toHaveText(/^Agrees with the paper: \d+ of 64 units of this network keep their forget gate above 0\.9/);
  expect((await readState(page)).step, 'computing the figure trains nothing').toBe(2000);

  const rows = await figureCsvRows(page, 'saturation');
  expect(rows[0]).toBe('network,layer,gate,unit,fraction_left_saturated,fraction_right_saturated');
  expect(rows).toHaveLength(1 + 2 * 3 * 64);
  await expectImageExports(page, 'saturation', 'forget gate');

  await expectFigurePassesAxe(page, 'saturation');

  mkdirSync(shotDir, { recursive: true });
  await figure.screenshot({ path: join(shotDir, 'figure-saturation.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: join(shotDir, 'figure-saturation-phone.png') });
});

test('figures: ?lesson=vanishing&figure=success runs a tiny plan in the lab worker and draws the fraction solved per T', async ({ page }) => {
  await openLab(page, '?lesson=vanishing&figure=success&engine=cpu');
  const figure = page.getByTestId('success-figure');
  await expect(figure).toHaveAttribute('open', '');
  await expect(figure).toContainText('Bengio, Simard & Frasconi 1994');
  await figure.scrollIntoViewIfNeeded();

  // 2 Ts × 2 seeds × 2 cells, 300 steps at most each (the LSTM solves T = 5 in about 200): seconds on the CPU
  await page.getByTestId('success-lags').fill('5, 10');
  await page.getByTestId('success-seeds').fill('2');
  await page.getByTestId('success-steps').selectOption('300');
  await page.getByTestId('success-start').click();
  await expect(page.getByTestId('success-progress')).toBeVisible();
  const chart = page.getByTestId('success-chart');
  await expect(chart).toHaveAttribute('data-runs', '8', { timeout: 120_000 });
  await expect(page.getByTestId('success-start')).toBeVisible();
  await expect(page.getByTestId('success-verdict')).toHaveText(/^(Agrees with the paper|Not the paper's picture yet|Differs from the paper), at T = 10: RNN \(tanh\) \d of 2, LSTM \d of 2/);
  expect(page.url(), 'the link says what ran').toContain('figT=5%2C10&figCells=rnn_tanh%2Clstm&figSeeds=2&figSteps=300');
  await expect(chart).toHaveAttribute('aria-label', /^Fraction of runs solved within 300 steps against the lag T\. RNN \(tanh\): T = 5, \d of 2 solved .*; T = 10, \d of 2 solved .*LSTM: T = 5/);
  await expect(chart).toHaveAttribute('tabindex', '0');
  for (const cell of ['rnn_tanh', 'lstm']) await expect(page.getByTestId(`success-line-${cell}`).locator('circle')).toHaveCount(2);
  await expect(figure.getByRole('alert')).toHaveCount(0);

  const rows = await figureCsvRows(page, 'success');
  expect(rows[0]).toBe('cell,T,runs,solved,fraction,steps_to_solve,diverged');
  expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['rnn_tanh,5,2', 'rnn_tanh,10,2', 'lstm,5,2', 'lstm,10,2']);
  await expectImageExports(page, 'success', 'fraction solved');

  await expectFigurePassesAxe(page, 'success');

  mkdirSync(shotDir, { recursive: true });
  await figure.screenshot({ path: join(shotDir, 'figure-success.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: join(shotDir, 'figure-success-phone.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  // a second start with a long plan, cancelled: the runs stop and no error shows
  await page.getByTestId('success-steps').selectOption('2000');
  await page.getByTestId('success-lags').fill('200');
  await page.getByTestId('success-start').click();
  await page.getByTestId('success-cancel').click();
  await expect(page.getByTestId('success-start')).toBeVisible({ timeout: 30_000 });
  await expect(figure.getByRole('alert')).toHaveCount(0);
});

test("figures: ?lesson=lstm&figure=longlag runs a tiny plan and puts the runs' steps beside the paper's Table 9, with a verdict", async ({ page }) => {
  await openLab(page, '?lesson=lstm&figure=longlag&engine=cpu');
  const figure = page.getByTestId('longlag-figure');
  await expect(figure).toHaveAttribute('open', '');
  await expect(figure).toContainText('Hochreiter & Schmidhuber 1997, Tables 7 and 9');
  await figure.scrollIntoViewIfNeeded();

  // bad lags get a message, and nothing starts
  await page.getByTestId('longlag-lags').fill('10, ten');
  await page.getByTestId('longlag-start').click();
  await expect(figure.getByRole('alert')).toContainText('"ten" is not a whole number from 1 to 1000.');
  // a plan over the figures' limit is refused with the limit named
  await page.getByTestId('longlag-lags').fill('100, 500, 1000');
  await page.getByTestId('longlag-steps').selectOption('5000');
  await page.getByTestId('longlag-start').click();
  await expect(figure.getByRole('alert')).toContainText("over the figure's limit of 2e+12: fewer or shorter lags, seeds, cells or steps");
  await expect(page.getByTestId('longlag-progress')).toHaveCount(0);

  // temporal order, 2 Ts × 2 seeds × 2 cells, 500 steps at most each (the LSTM solves T = 10 in about 100): seconds
  await page.getByTestId('longlag-task').selectOption('temporal_order');
  await figure.getByRole('checkbox', { name: 'GRU' }).uncheck();
  await page.getByTestId('longlag-lags').fill('10, 20');
  await page.getByTestId('longlag-seeds').fill('2');
  await page.getByTestId('longlag-steps').selectOption('500');
  await page.getByTestId('longlag-start').click();
  await expect(figure.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('longlag-progress')).toBeVisible();
  const chart = page.getByTestId('longlag-chart');
  await expect(chart).toHaveAttribute('data-runs', '8', { timeout: 120_000 });
  await expect(page.getByTestId('longlag-start')).toBeVisible();

  // the rows: the two Ts run here, then the paper's T = 100 (31 390 sequences), not run here
  const table = page.getByTestId('longlag-table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('longlag-row-10')).toContainText('2 of 2 solved');
  await expect(page.getByTestId('longlag-row-100')).toContainText(/31\u2009390\s*sequences/);
  await expect(page.getByTestId('longlag-row-100')).toContainText('not run');
  await expect(page.getByTestId('longlag-series-paper').locator('rect')).toHaveCount(1);
  // the verdict is read from the runs: at T = 20 here
  await expect(page.getByTestId('longlag-verdict')).toHaveText(/^(Agrees|Differs) .*at T = 20 the LSTM solved \d of 2 runs \(RNN \(tanh\) \d of 2\).*the paper's table starts at T = 100: add it to compare\.$/);
  await expect(chart).toHaveAttribute('aria-label', /ours beside Table 9 of the paper\. T = 10: RNN \(tanh\) solved \d of 2.*the paper's LSTM 31\u2009390 sequences/);

  const rows = await figureCsvRows(page, 'longlag');
  expect(rows[0]).toBe('source,task,T,cell,runs,solved,mean_steps,mean_sequences,steps_to_solve');
  expect(rows.slice(1).map((r) => r.split(',').slice(0, 5).join(','))).toEqual([
    'this page,temporal_order,10,rnn_tanh,2', 'this page,temporal_order,10,lstm,2', 'this page,temporal_order,20,rnn_tanh,2', 'this page,temporal_order,20,lstm,2',
    'Hochreiter & Schmidhuber 1997 Table 9,temporal_order,100,lstm,20',
  ]);
  await expectImageExports(page, 'longlag', 'sequences to solve');

  await expectFigurePassesAxe(page, 'longlag');

  mkdirSync(shotDir, { recursive: true });
  await figure.screenshot({ path: join(shotDir, 'figure-longlag.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: join(shotDir, 'figure-longlag-presenter.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: join(shotDir, 'figure-longlag-phone.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  // the link carries what ran; opened elsewhere, it fills the figure's controls (a cell it does not offer is named)
  const url = new URL(page.url());
  expect(Object.fromEntries(['figT', 'figCells', 'figSeeds', 'figSteps', 'figTask'].map((k) => [k, url.searchParams.get(k)]))).toEqual({
    figT: '10,20', figCells: 'rnn_tanh,lstm', figSeeds: '2', figSteps: '500', figTask: 'temporal_order',
  });
  url.searchParams.set('figCells', 'rnn_tanh,lstm,transformer');
  await openLab(page, url.search);
  await expect(page.getByTestId('longlag-task')).toHaveValue('temporal_order');
  await expect(page.getByTestId('longlag-lags')).toHaveValue('10,20');
  await expect(page.getByTestId('longlag-seeds')).toHaveValue('2');
  await expect(page.getByTestId('longlag-steps')).toHaveValue('500');
  await expect(figure.getByRole('checkbox', { name: 'GRU' })).not.toBeChecked();
  await expect(figure.getByRole('checkbox', { name: 'LSTM' })).toBeChecked();
  await expect(figure.getByRole('status')).toContainText('figCells names "transformer"');
  // closing the figure takes it and its parameters out of the link
  await figure.locator('summary').click();
  await expect.poll(() => page.url()).not.toMatch(/figure=|figT=|figCells=/);
});
