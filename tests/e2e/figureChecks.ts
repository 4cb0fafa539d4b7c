// What every paper's figure is checked for in the browser: its CSV, its PNG and SVG exports, and axe.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect } from './fixtures';

/** The rows of the CSV the figure's CSV button saves. */
export async function figureCsvRows(page: Page, figure: string): Promise<string[]> {
  const download = page.waitForEvent('download');
  await page.getByTestId(`${figure}-csv`).click();
  return (await readFile(await (await download).path(), 'utf8')).trim().split('\n');
}

/** The figure's SVG is a standalone SVG document that says `svgText`; its PNG is a PNG. */
export async function expectImageExports(page: Page, figure: string, svgText: string): Promise<void> {
  const svgFile = page.waitForEvent('download');
  await page.getByTestId(`${figure}-svg`).click();
  const svg = await readFile(await (await svgFile).path(), 'utf8');
  expect(svg).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain(svgText);
  const pngFile = page.waitForEvent('download');
  await page.getByTestId(`${figure}-png`).click();
  expect([...(await readFile(await (await pngFile).path())).subarray(0, 4)], 'the PNG signature').toEqual([0x89, 0x50, 0x4e, 0x47]);
}

/** The figure passes axe (no serious or critical violation) as the rest of the page does. */
export async function expectFigurePassesAxe(page: Page, figure: string): Promise<void> {
  const audit = await new AxeBuilder({ page }).include(`[data-testid="${figure}-figure"]`).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
