// The LSTM variants compared (Greff et al. 2017) in its lesson: the link opens it, a tiny plan runs in the lab worker
// and draws one box per variant beside the paper's verdicts and ours, its numbers export, a plan over the limit is
// refused with the limit named, a cancelled long plan leaves no error, and the link carries what ran.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectFigurePassesAxe, expectImageExports, figureCsvRows } from './figureChecks';
import { expect, test } from './fixtures';
import { openLab } from './helpers';

const shotDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'artifacts', 'screenshots');
const VARIANTS = ['vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'];

test.use({ viewport: { width: 1440, height: 900 } });

test('figures: ?lesson=greff&figure=variants runs a tiny plan in the lab worker and draws a box per variant beside the paper’s verdicts', async ({ page }) => {
  await openLab(page, '?lesson=greff&figure=variants&engine=cpu');
  const figure = page.getByTestId('variants-figure');
  await expect(figure).toHaveAttribute('open', '');
  await expect(figure).toContainText('Greff et al. 2017');
  await expect(figure.getByRole('link', { name: 'LSTM: a search space odyssey' })).toHaveAttribute('href', 'https://arxiv.org/abs/1503.04069');
  await figure.scrollIntoViewIfNeeded();
  for (const v of VARIANTS) await expect(page.getByTestId(`variants-pick-${v}`)).toBeChecked();
  await expect(page.getByTestId('variants-pick-vanilla')).toBeDisabled();
  await expect(page.getByTestId('variants-seeds')).toHaveValue('5');
  await expect(page.getByTestId('variants-steps')).toHaveValue('1000');

  // V, NFG and CIFG × 2 seeds × 100 steps: seconds on the CPU
  for (const v of VARIANTS) if (!['vanilla', 'nfg', 'cifg'].includes(v)) await page.getByTestId(`variants-pick-${v}`).uncheck();
  await page.getByTestId('variants-seeds').fill('2');
  await page.getByTestId('variants-steps').selectOption('100');
  await page.getByTestId('variants-start').click();
  await expect(figure.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('variants-progress')).toBeVisible();
  const chart = page.getByTestId('variants-chart');
  await expect(chart).toHaveAttribute('data-runs', '6', { timeout: 120_000 });
  await expect(page.getByTestId('variants-start')).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /^Final validation loss after 100 steps on the never-reset Reber stream, one box per LSTM variant\. V: 2 runs, median [\d.]+, middle half [\d.]+–[\d.]+; the reference\. NFG: 2 runs, .*; ours [a-z ]+, paper worse\. CIFG: 2 runs, .*paper no significant difference$/);
  await expect(chart).toHaveAttribute('tabindex', '0');
  for (const v of ['vanilla', 'nfg', 'cifg']) await expect(page.getByTestId(`variants-box-${v}`).locator('rect')).toHaveCount(1);
  for (const v of ['vanilla', 'nfg', 'cifg']) await expect(page.getByTestId(`variants-box-${v}`).locator('circle')).toHaveCount(2);
  await expect(page.getByTestId('variants-band')).toHaveCount(1);
  await expect(page.getByTestId('variants-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('variants-row-nfg')).toContainText(/worse.*median [\d.]+/);
  await expect(page.getByTestId('variants-row-vanilla')).toContainText('reference');
  // the verdict is read from these runs
  await expect(page.getByTestId('variants-verdict')).toHaveText(/^In our runs \(final validation loss; .*\): .*NFG.* That agrees with the paper on \d of 2/);
  await expect(page.getByTestId('variants-verdict')).toHaveAttribute('data-status', /^(agrees|differs)$/);

  const rows = await figureCsvRows(page, 'variants');
  expect(rows[0]).toBe('variant,seed,final_val_loss,final_train_loss,accuracy,diverged');
  expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['vanilla,1', 'vanilla,2', 'nfg,1', 'nfg,2', 'cifg,1', 'cifg,2']);
  for (const r of rows.slice(1)) expect(Number(r.split(',')[2])).toBeGreaterThan(0);
  // the page's lab worker trains exactly what the core does in Node: the same final validation losses (runSweep on
  // the CPU engine in vitest, the same plan, measured: V 0.748092 0.578109, NFG 1.765459 1.450254, CIFG 0.512957 0.521753)
  const node = [0.748092, 0.578109, 1.765459, 1.450254, 0.512957, 0.521753];
  rows.slice(1).forEach((r, i) => expect(Number(r.split(',')[2])).toBeCloseTo(node[i], 4));
  await expectImageExports(page, 'variants', 'final validation loss');

  await expectFigurePassesAxe(page, 'variants');

  mkdirSync(shotDir, { recursive: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: join(shotDir, 'figure-variants.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await figure.scrollIntoViewIfNeeded();
  const overflow = await figure.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow, 'nothing wider than the phone').toBeLessThanOrEqual(0);
  await figure.screenshot({ path: join(shotDir, 'figure-variants-phone.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  // the link carries what ran; opened again, it fills the controls
  const url = new URL(page.url());
  expect(Object.fromEntries(['figCells', 'figSeeds', 'figSteps'].map((k) => [k, url.searchParams.get(k)]))).toEqual({ figCells: 'vanilla,nfg,cifg', figSeeds: '2', figSteps: '100' });

  // a second start with a long plan (all nine, 5 seeds, 2,000 steps), cancelled: the runs stop and no error shows
  for (const v of VARIANTS) await page.getByTestId(`variants-pick-${v}`).check();
  await page.getByTestId('variants-seeds').fill('5');
  await page.getByTestId('variants-steps').selectOption('2000');
  await page.getByTestId('variants-start').click();
  await expect(page.getByTestId('variants-progress')).toBeVisible();
  await page.getByTestId('variants-cancel').click();
  await expect(page.getByTestId('variants-start')).toBeVisible({ timeout: 30_000 });
  await expect(figure.getByRole('alert')).toHaveCount(0);

  await openLab(page, url.search);
  await expect(page.getByTestId('variants-seeds')).toHaveValue('2');
  await expect(page.getByTestId('variants-steps')).toHaveValue('100');
  await expect(page.getByTestId('variants-pick-nig')).not.toBeChecked();
  await expect(page.getByTestId('variants-pick-nfg')).toBeChecked();
});

test('figures: a variants plan over the figures’ limit (from a link: all nine, 20 seeds, 20,000 steps) is refused with the limit named', async ({ page }) => {
  await openLab(page, '?lesson=greff&figure=variants&engine=cpu&figSeeds=20&figSteps=20000');
  const figure = page.getByTestId('variants-figure');
  await figure.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('variants-steps')).toHaveValue('20000');
  await page.getByTestId('variants-start').click();
  await expect(figure.getByRole('alert')).toHaveText("Not started: 180 runs of up to 20000 steps need up to about 6.8e+12 multiply-adds, over the figure's limit of 2e+12: fewer variants, seeds or steps.");
  await expect(page.getByTestId('variants-progress')).toHaveCount(0);
  await expect(page.getByTestId('variants-start')).toBeVisible();
});
