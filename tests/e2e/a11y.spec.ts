// Accessibility: an axe audit of the page in its main states at a desktop and a phone size (serious and critical
// violations fail, each listed with its nodes), the keyboard path (each chart one named Tab stop whose name follows
// the run; Pause a few stops from the top), and a lesson driven from the keyboard alone.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openLab, pollFor, stepOf } from './helpers';

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/** The serious and critical violations axe finds on the page as it is now, one line per node. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const minor = results.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  // what axe could not decide (colour contrast over the charts, mostly) is logged for a person to look at
  const undecided = results.incomplete.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ') || 'none';
  console.log(`    axe: ${results.passes.length} rules pass; below serious: ${minor.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ') || 'none'}; undecided: ${undecided}`);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`));
}

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const found = await seriousViolations(page);
  expect(found, `axe, ${where}:\n${found.join('\n')}`).toEqual([]);
}

/** The page's states the audit visits, each from a fresh page. */
const STATES: { name: string; open: (page: Page) => Promise<void> }[] = [
  { name: 'the default page', open: async (page) => void (await openLab(page, '?engine=cpu')) },
  { name: 'a lesson', open: async (page) => void (await openLab(page, '?lesson=vanishing&engine=cpu')) },
  {
    name: 'inside the cell',
    open: async (page) => {
      await openLab(page, '?cell=lstm&T=20&H=16&engine=cpu');
      await expect.poll(() => stepOf(page), { message: '3 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
      await page.getByTestId('play').click(); // pauses, so the inspection's forward pass runs on fixed weights
      await page.getByTestId('inside-section').locator('summary').click();
      await expect(page.getByTestId('gate-histograms')).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId('cell-diagram')).toBeVisible({ timeout: 30_000 });
    },
  },
  {
    name: 'the export panel',
    open: async (page) => {
      await openLab(page, '?engine=cpu');
      await page.getByTestId('export-section').locator('summary').click();
      await expect(page.getByTestId('export-model')).toBeVisible({ timeout: 10_000 });
    },
  },
];

for (const size of SIZES) {
  for (const state of STATES) {
    test(`a11y: axe finds no serious violation on ${state.name} (${size.name} ${size.width}×${size.height})`, async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      await state.open(page);
      await expectNoSeriousViolations(page, `${state.name} at ${size.width}×${size.height}`);
    });
  }
}

interface TabStop {
  tag: string;
  testId: string;
  role: string;
  name: string;
}

/** The focused element: what it is and its accessible name (label, aria-label, labelledby or its own text). */
function focused(page: Page): Promise<TabStop | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const byId = (ids: string) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    const labels = 'labels' in el ? Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent ?? '') : [];
    const name = (el.getAttribute('aria-label') ?? (el.getAttribute('aria-labelledby') ? byId(el.getAttribute('aria-labelledby')!) : '') ?? '')
      || labels.join(' ')
      || el.getAttribute('title')
      || (el.tagName === 'SELECT' ? '' : (el.textContent ?? ''));
    return { tag: el.tagName.toLowerCase(), testId: el.dataset?.testid ?? el.closest('[data-testid]')?.getAttribute('data-testid') ?? '', role: el.getAttribute('role') ?? '', name: name.trim() };
  });
}

/** Every Tab stop from the top of the page, in order, until focus leaves the page or comes round again. */
async function tabStops(page: Page, limit = 200): Promise<TabStop[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Home');
  const stops: TabStop[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await focused(page);
    if (!stop) break;
    const key = await page.evaluate(() => {
      const el = document.activeElement!;
      const path: number[] = [];
      for (let n: Element | null = el; n && n.parentElement; n = n.parentElement) path.push(Array.from(n.parentElement.children).indexOf(n));
      return path.join('.');
    });
    if (seen.has(key)) break;
    seen.add(key);
    stops.push(stop);
  }
  return stops;
}

/** The charts of the default page, by test id. */
const MAIN_CHARTS = ['flow-chart', 'loss-chart', 'spectrum-chart', 'gradnorm-chart', 'heatmap'];
/** Tab stops before Pause: the lesson menu, share, presenter, and the W_rec slider with its hold box at most. */
const MAX_STOPS_TO_PAUSE = 8;

for (const size of SIZES) {
  test(`a11y: each chart is one named Tab stop whose name follows the run, and Pause is a few stops from the top (${size.name} ${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await openLab(page, '?engine=cpu');
    await expect.poll(() => stepOf(page), { message: '3 steps', timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    const stops = await tabStops(page);
    const list = stops.map((s, i) => `${i + 1}: ${s.tag}${s.role ? `[role=${s.role}]` : ''} ${s.testId} "${s.name.slice(0, 60)}"`).join('\n');
    console.log(`    ${stops.length} Tab stops`);

    const unnamed = stops.filter((s) => s.name === '');
    expect(unnamed, `every Tab stop has a name:\n${list}`).toEqual([]);
    for (const id of MAIN_CHARTS) {
      const chartStops = stops.filter((s) => s.testId === id);
      expect(chartStops.length, `${id}: exactly one Tab stop\n${list}`).toBe(1);
      expect(chartStops[0].role, `${id}: read as an image`).toBe('img');
    }
    // nothing inside a chart is a stop of its own: recharts' surface and layers, SVG parts
    expect(stops.filter((s) => ['svg', 'g', 'path', 'rect'].includes(s.tag) && s.role !== 'img'), `no SVG part is a Tab stop:\n${list}`).toEqual([]);
    const pauseAt = stops.findIndex((s) => s.testId === 'play') + 1;
    expect(pauseAt, `Pause among the Tab stops:\n${list}`).toBeGreaterThan(0);
    expect(pauseAt, `Pause is at most ${MAX_STOPS_TO_PAUSE} Tab stops from the top:\n${list}`).toBeLessThanOrEqual(MAX_STOPS_TO_PAUSE);

    // the names say the values, and follow them as the run goes on
    const names = () => page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('aria-label') ?? ''), MAIN_CHARTS);
    const before = await names();
    expect(before[0], 'the gradient-flow chart names its factor per step back and verdict').toMatch(/‖∂L\/∂h_t‖ over \d+ steps: (×[\d.e-]+ per step back, (vanishing|exploding|stable)|\d+ of \d+ steps get exactly zero)/);
    expect(before[1], 'the loss chart names the latest train loss').toMatch(/Loss at step [\d\u2009]+: train [\d.e-]+/);
    await pollFor(
      'every chart name to change as training goes on',
      async () => {
        const now = await names();
        return now.every((n, i) => n !== '' && n !== before[i]) ? now : null;
      },
      { timeout: 60_000 },
    );
  });
}

/**
 * Text drawn in the charts' SVGs whose contrast with what lies behind it (a filled shape, else the page behind its
 * chart) is under `min` (WCAG AA: 4.5),
 * one line each. Axe leaves SVG text undecided (it cannot tell what lies behind an SVG); this decides it.
 */
function lowContrastSvgText(page: Page, min = 4.5): Promise<string[]> {
  return page.evaluate((min) => {
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const backgroundOf = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const low = new Set<string>();
    for (const text of Array.from(document.querySelectorAll('svg text'))) {
      if (!text.textContent?.trim() || text.getBoundingClientRect().width === 0) continue;
      const fill = rgb(getComputedStyle(text).fill);
      if (fill.length < 3) continue;
      const svg = text.closest('svg')!;
      // behind the text: the topmost filled shape under its centre (a gate's box in the cell diagram), else the page
      const box = text.getBoundingClientRect();
      const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
      const shape = Array.from(svg.querySelectorAll('rect, circle, ellipse, path, polygon'))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          return cx >= r.left && cx <= r.right && cy >= r.top && cy <= r.bottom && rgb(style.fill).length >= 3 && Number(style.fillOpacity) > 0.5 && !style.fill.startsWith('url');
        })
        .at(-1); // the last drawn is on top
      // a halo (an outline drawn under the glyphs) is their ground where there is one
      const style = getComputedStyle(text);
      const halo = style.stroke !== 'none' && parseFloat(style.strokeWidth) >= 2 && style.paintOrder.startsWith('stroke') ? rgb(style.stroke) : [];
      const behind = halo.length >= 3 ? halo : shape ? rgb(getComputedStyle(shape).fill) : backgroundOf(svg.parentElement);
      const [a, b] = [luminance(fill), luminance(behind)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < min) low.add(`${ratio.toFixed(2)}:1 "${text.textContent.slice(0, 30)}" (${getComputedStyle(text).fill} on rgb(${behind.join(", ")})) in ${svg.closest('[data-testid]')?.getAttribute('data-testid') ?? 'a chart'}`);
    }
    return [...low];
  }, min);
}

test('a11y: text in the charts has WCAG AA contrast (≥ 4.5:1) on the default page, a lesson, the cliff and inside the cell', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openLab(page, '?lesson=clipping&figure=cliff&engine=cpu&steps=1');
  await expect.poll(() => stepOf(page), { message: 'the first step', timeout: 60_000 }).toBe(1);
  await page.getByTestId('cliff-compute').click();
  await expect(page.getByTestId('cliff-chart')).toBeVisible({ timeout: 60_000 });
  expect(await lowContrastSvgText(page), 'the clipping lesson with the cliff').toEqual([]);
  for (const state of STATES) {
    await state.open(page);
    await expect.poll(() => stepOf(page), { message: 'a few steps', timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(await lowContrastSvgText(page), state.name).toEqual([]);
  }
});

test('a11y: a lesson from the keyboard alone: choose it, play, pause, next lesson', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openLab(page, '?engine=cpu');
  /** Tabs forward until the element with this test id has focus. */
  const tabTo = async (testId: string) => {
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      if ((await focused(page))?.testId === testId) return;
    }
    throw new Error(`no Tab stop reaches ${testId}`);
  };
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo('lesson-select');
  await page.keyboard.press('ArrowDown'); // a closed select takes the next option
  await page.keyboard.press('ArrowDown');
  await expect(page, 'a lesson in the URL').toHaveURL(/lesson=/, { timeout: 10_000 });
  await expect(page.getByTestId('lesson-card')).toBeVisible();
  const lesson = /lesson=([\w-]+)/.exec(page.url())![1];

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo('play');
  const status = () => page.evaluate(() => window.rnnlab.store.getState().status);
  const first = await status();
  await page.keyboard.press('Enter');
  await expect.poll(status, { message: 'Enter on Play/Pause toggles the run', timeout: 10_000 }).not.toBe(first);
  await page.keyboard.press('Space');
  await expect.poll(status, { message: 'Space toggles it back', timeout: 10_000 }).toBe(first);

  await tabTo('lesson-next');
  await page.keyboard.press('Enter');
  await expect.poll(() => /lesson=([\w-]+)/.exec(page.url())?.[1], { message: 'the next lesson in the URL', timeout: 10_000 }).not.toBe(lesson);
});
