// The page at the sizes it is used at: a projector (1920×1080, presenter=1), a laptop (1440×900) and a phone
// (390×844), each for the default page and two lessons. Everywhere: a screenshot, no sideways scroll, no element
// past the right edge, the engine badge's full text. On a phone: Play/Pause and the W_rec slider in the first
// screen, the run bar still there after scrolling, and the settings behind a disclosure the keyboard opens. On a
// projector: the lesson card, the slider, the gradient profile and the loss on one screen, body type ≥ 20 px and
// chart labels ≥ 16 px (computed sizes).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openLab, pollFor, shot, stepOf } from './helpers';

const SIZES = [
  { name: 'projector', width: 1920, height: 1080, query: 'presenter=1' },
  { name: 'laptop', width: 1440, height: 900, query: '' },
  { name: 'phone', width: 390, height: 844, query: '' },
] as const;

const PAGES = [
  { name: 'default', query: '' },
  { name: 'vanishing', query: 'lesson=vanishing' },
  { name: 'lstm', query: 'lesson=lstm' },
] as const;

/** Where an element is, or why it is not there. */
type Box = { top: number; bottom: number; left: number; right: number } | null;

function boxOf(page: Page, selector: string): Promise<Box> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  }, selector);
}

/**
 * Elements whose right edge passes the viewport's, unless an ancestor inside the viewport clips them (overflow
 * other than visible, or paint containment, as every panel has): those the user sees cut off or scrolls to.
 */
function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = window.innerWidth + 0.5;
    const clipsInside = (el: Element) => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        const clips = style.overflowX !== 'visible' || /paint|content|strict/.test(style.contain);
        if (clips && a !== document.documentElement && a !== document.body) return a.getBoundingClientRect().right <= limit;
      }
      return false;
    };
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= limit || clipsInside(el)) continue;
      const name = el.getAttribute('data-testid') ?? (el.getAttribute('class') || el.tagName.toLowerCase());
      found.push(`${name}: right edge at ${Math.round(r.right)} px of ${window.innerWidth}`);
    }
    return found.slice(0, 10);
  });
}

/** Fails on a page that scrolls sideways or has anything past its right edge. */
async function expectNoSidewaysOverflow(page: Page, where: string): Promise<void> {
  const widths = await page.evaluate(() => ({ content: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(widths.content, `${where}: the page scrolls sideways (content ${widths.content} px wide)`).toBeLessThanOrEqual(widths.viewport);
  expect(await overflowingElements(page), `${where}: elements past the right edge`).toEqual([]);
}

/** The engine badge shows its whole text (the engine and why), nothing cut off, and names it in its tooltip. */
async function expectFullBadge(page: Page, where: string): Promise<void> {
  const badge = await page.getByTestId('engine-badge').evaluate((el: HTMLElement) => ({
    text: el.innerText,
    title: el.title,
    cut: el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth + 0.5,
  }));
  const engine = await page.evaluate(() => window.rnnlab.store.getState().engine!);
  expect(badge.cut, `${where}: the badge "${badge.text}" is cut off`).toBe(false);
  expect(badge.text, `${where}: the badge names the engine`).toContain(engine.kind === 'webgpu' ? 'WebGPU' : 'CPU');
  if (engine.reason) expect(badge.text.replace(/\s+/g, ' '), `${where}: the badge says why`).toContain(engine.reason);
  expect(badge.title, `${where}: the badge's tooltip`).toContain(engine.description);
}

/** Opens the page and lets it train a little, so the charts have something to show. */
async function openTraining(page: Page, query: string): Promise<void> {
  await openLab(page, query ? `?${query}` : '');
  await pollFor('a few training steps', async () => (await stepOf(page)) >= 5, { timeout: 60_000 });
}

for (const size of SIZES) {
  test.describe(`layout at ${size.width}×${size.height} (${size.name})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });
    for (const lesson of PAGES) {
      test(`${size.name}: ${lesson.name} page`, async ({ page }) => {
        const where = `${size.name}, ${lesson.name}`;
        await openTraining(page, [lesson.query, size.query].filter(Boolean).join('&'));
        await shot(page, `40-layout-${size.name}-${lesson.name}`);
        await expectNoSidewaysOverflow(page, where);
        await expectFullBadge(page, where);
        if (size.name === 'phone') await checkPhone(page, where);
        if (size.name === 'projector') await checkProjector(page, where, lesson.name !== 'default');
      });
    }
  });
}

/** A phone: Play/Pause and the slider in the first screen; the run bar stays; the settings open from the keyboard. */
async function checkPhone(page: Page, where: string): Promise<void> {
  const height = page.viewportSize()!.height;
  for (const [name, selector] of [['Play/Pause', '[data-testid="play"]'], ['the W_rec slider', '#wrec-slider']]) {
    const box = await boxOf(page, selector);
    expect(box, `${where}: ${name} is on the page`).not.toBeNull();
    expect(box!.top >= 0 && box!.bottom <= height, `${where}: ${name} within the first screen (${Math.round(box!.top)}–${Math.round(box!.bottom)} px of ${height})`).toBe(true);
  }
  const settings = page.getByTestId('settings');
  expect(await settings.evaluate((el: HTMLDetailsElement) => el.open), `${where}: the settings start folded`).toBe(false);
  // far down the page the run bar is still at the top of the screen
  await page.locator('[data-chart="loss"]').scrollIntoViewIfNeeded();
  const play = await boxOf(page, '[data-testid="play"]');
  expect(play!.top >= 0 && play!.bottom <= height, `${where}: Play/Pause stays in sight after scrolling (${Math.round(play!.top)} px)`).toBe(true);
  // the disclosure opens from the keyboard, and the open settings fit the width too
  await page.locator('[data-testid="settings"] > summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('field-task'), `${where}: the settings open with Enter`).toBeVisible();
  await expectNoSidewaysOverflow(page, `${where}, settings open`);
}

/** A projector: one screen for the lesson's parts, and type a back row can read. */
async function checkProjector(page: Page, where: string, withLesson: boolean): Promise<void> {
  const parts: [string, string][] = [
    ['the W_rec slider', '.wrec, .reservoir'],
    ['the gradient profile', '[data-chart="gradient-flow"]'],
    ['the loss', '[data-chart="loss"]'],
  ];
  if (withLesson) parts.push(['the lesson card', '[data-testid="lesson-card"]']);
  const { width, height } = page.viewportSize()!;
  for (const [name, selector] of parts) {
    const box = await boxOf(page, selector);
    expect(box, `${where}: ${name} is on the page`).not.toBeNull();
    const inside = box!.top >= 0 && box!.bottom <= height + 1 && box!.right <= width + 1;
    expect(inside, `${where}: ${name} on the first screen (${Math.round(box!.top)}–${Math.round(box!.bottom)} px of ${height})`).toBe(true);
  }
  const sizes = await page.evaluate(() => {
    const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
    const smallest = (selector: string) => {
      const found = [...document.querySelectorAll(selector)].filter((el) => el.getBoundingClientRect().width > 0 && (el.textContent ?? '').trim() !== '');
      return found.length ? Math.min(...found.map(px)) : NaN;
    };
    return {
      body: px(document.body),
      text: smallest('.lesson-question, .lesson-look, .lesson-verdict, .flow-summary, .wrec-head h2, .step-count'),
      chartLabels: smallest('.svg-chart text, .recharts-text, .heat-axis-y span, .heat-axis-y'),
    };
  });
  expect(sizes.body, `${where}: body type`).toBeGreaterThanOrEqual(20);
  expect(sizes.text, `${where}: the smallest reading text`).toBeGreaterThanOrEqual(20);
  expect(sizes.chartLabels, `${where}: the smallest chart label`).toBeGreaterThanOrEqual(16);
}
