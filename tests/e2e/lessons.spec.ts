// The lesson path: every lesson opens from its short link (lesson=<id>) in presenter mode at 1920×1080, and the
// page's own verdict (the card's claim, judged on the live run) must read "holds"; the slider, the profile, the
// loss and the card fit on one screen there (screenshot per lesson); Next/Previous walk the course; an unknown
// lesson id gets a notice.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openLab, pollFor, readState, shot, stepOf } from './helpers';

test.use({ viewport: { width: 1920, height: 1080 } });

const verdictOf = (page: Page) =>
  page.getByTestId('lesson-verdict').evaluate((el: HTMLElement) => ({ status: el.dataset.status, text: el.textContent ?? '' }));

/** Per lesson: the time its claim may take to hold on the CPU engine, and the page's start. */
const LESSON_TIMEOUT_MS = 150_000;

test('every lesson opens from its link, and the page’s verdict of its claim holds (presenter, 1920×1080)', async ({ context, page }) => {
  await openLab(page, '');
  const links = await page.evaluate(() => window.rnnlab.lessonLinks());
  await page.close();
  expect(links.length, 'the number of lessons').toBeGreaterThanOrEqual(9);
  test.setTimeout(links.length * LESSON_TIMEOUT_MS);
  for (const [index, { id, query }] of links.entries()) {
    expect(query, `lesson ${id}: its link is the short lesson link`).toBe(`v=1&lesson=${id}`);
    const lesson = await openLab(await context.newPage(), `?lesson=${id}&presenter=1&engine=cpu`);
    const card = await lesson.getByTestId('lesson-card').innerText();
    expect(card, `lesson ${id}: the card asks a question`).toContain('Before you press play');
    const verdict = await pollFor(
      `lesson ${id}: the verdict "holds"`,
      async () => {
        const s = await readState(lesson);
        if (s.error) throw new Error(`lesson ${id} failed: ${s.error}`);
        const v = await verdictOf(lesson);
        if (v.status === 'contradicted') throw new Error(`lesson ${id}: the page says the claim fails: ${v.text}`);
        return v.status === 'holds' ? v : null;
      },
      { timeout: 120_000, intervals: [250] },
    );
    console.log(`    ${id} (step ${await stepOf(lesson)}): ${verdict.text.replace(/^\W*Measured:\s*/, '')}`);
    // one screen: the slider (or ρ), the profile, the loss and the card, without scrolling
    const fits = await lesson.evaluate(() => {
      const ids = ['.wrec, .reservoir', '[data-chart="gradient-flow"]', '[data-chart="loss"]', '[data-testid="lesson-card"]'];
      return ids
        .map((sel) => {
          const el = document.querySelector(sel);
          if (!el) return `${sel}: missing`;
          const r = el.getBoundingClientRect();
          return r.bottom <= window.innerHeight + 1 && r.top >= 0 && r.right <= window.innerWidth + 1 ? null : `${sel}: ${Math.round(r.top)}–${Math.round(r.bottom)} px of ${window.innerHeight}`;
        })
        .filter(Boolean);
    });
    await shot(lesson, `30-lesson-${String(index + 1).padStart(2, '0')}-${id}`);
    expect(fits, `lesson ${id}: everything on one 1920×1080 screen`).toEqual([]);
    await lesson.close(); // a page left open would go on training beside the next lesson
  }
});

test('Next and Previous walk the course, and the URL says where', async ({ page }) => {
  await openLab(page, '?lesson=rnn&engine=cpu');
  await page.getByTestId('lesson-next').click();
  await expect(page, 'lesson 2 in the URL').toHaveURL(/lesson=vanishing/, { timeout: 10_000 });
  await expect(page.getByTestId('lesson-card'), 'the card says lesson 2').toContainText(/lesson 2 of/i);
  await page.getByTestId('lesson-previous').click();
  await expect(page, 'lesson 1 in the URL').toHaveURL(/lesson=rnn/, { timeout: 10_000 });
});

test('an unknown lesson id gets a notice, and the page opens on the defaults', async ({ page }) => {
  await openLab(page, '?lesson=nonexistent');
  const notices = (await readState(page)).notices.join(' | ');
  expect(notices, 'the notice').toMatch(/unknown lesson "nonexistent"/);
});
