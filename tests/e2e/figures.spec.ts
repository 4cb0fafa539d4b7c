// The papers' figures, live: the cliff (Pascanu et al. 2013) opens from its link, is computed in the training
// worker on the page's engine, draws ≥ 40 points, exports its numbers, and leaves the run as it was.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  expect((await page.getByTestId('cliff-grad-line').getAttribute('d'))!.match(/[ML]/g)!.length).toBe(points);
  expect((await readState(page)).step, 'computing the figure trains nothing').toBe(before);
  expect(page.url()).toContain('figure=cliff');

  const download = page.waitForEvent('download');
  await page.getByTestId('cliff-csv').click();
  const csv = await readFile(await (await download).path(), 'utf8');
  const rows = csv.trim().split('\n');
  expect(rows[0]).toBe('kind,sigma_max,loss,grad_norm');
  expect(rows.filter((r) => r.startsWith('curve,'))).toHaveLength(points);

  const svgFile = page.waitForEvent('download');
  await page.getByTestId('cliff-svg').click();
  const svg = await readFile(await (await svgFile).path(), 'utf8');
  expect(svg).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('σ_max(W_rec), log scale');
  const pngFile = page.waitForEvent('download');
  await page.getByTestId('cliff-png').click();
  const png = await readFile(await (await pngFile).path());
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // the figure passes axe (serious and critical) as the rest of the page does
  const audit = await new AxeBuilder({ page }).include('[data-testid="cliff-figure"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  mkdirSync(shotDir, { recursive: true });
  await figure.screenshot({ path: join(shotDir, 'figure-cliff.png') });
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
