// End-to-end checks of the lesson path: every lesson opens from its short link (lesson=<id>) in presenter mode
// at 1920×1080, and the page's own verdict (the card's claim, judged on the live run) must read "holds"; the
// slider, the profile, the loss and the card fit on one screen there (screenshot per lesson); Next/Previous
// walk the course; an unknown lesson id gets a notice. run.mjs calls these with its helpers.

/** @param {{ check: Function, openPage: Function, readState: Function, shot: Function, waitFor: Function, expect: Function, browser: any, base: string }} h */
export async function lessonChecks(h) {
  const { check, openPage, readState, shot, waitFor, expect, browser, base } = h;
  const presenter = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });

  const verdictOf = (page) =>
    page.getByTestId('lesson-verdict').evaluate((el) => ({ status: el.dataset.status, text: el.textContent ?? '' }));

  await check('every lesson opens from its link, and the page’s verdict of its claim holds (presenter, 1920×1080)', async () => {
    const first = await openPage(presenter, base, '');
    const links = await first.evaluate(() => window.rnnlab.lessonLinks());
    await first.close();
    expect(links.length >= 9, `only ${links.length} lessons`);
    for (const { id, query } of links) {
      expect(query === `v=1&lesson=${id}`, `lesson ${id}: its link is not the short lesson link: ${query}`);
      const page = await openPage(presenter, base, `?lesson=${id}&presenter=1&engine=cpu`);
      const card = await page.getByTestId('lesson-card').innerText();
      expect(card.includes('Before you press play'), `lesson ${id}: the card asks no question`);
      const verdict = await waitFor(`lesson ${id}: the verdict "holds"`, async () => {
        const s = await readState(page);
        if (s.error) throw new Error(`lesson ${id} failed: ${s.error}`);
        const v = await verdictOf(page);
        if (v.status === 'contradicted') throw new Error(`lesson ${id}: the page says the claim fails: ${v.text}`);
        return v.status === 'holds' ? v : null;
      }, 120_000, 250);
      console.log(`    ${id} (step ${(await readState(page)).step}): ${verdict.text.replace(/^\W*Measured:\s*/, '')}`);
      // one screen: the slider (or ρ), the profile, the loss and the card, without scrolling
      const fits = await page.evaluate(() => {
        const ids = ['.wrec, .reservoir', '[data-chart="gradient-flow"]', '[data-chart="loss"]', '[data-testid="lesson-card"]'];
        return ids.map((sel) => {
          const el = document.querySelector(sel);
          if (!el) return `${sel}: missing`;
          const r = el.getBoundingClientRect();
          return r.bottom <= window.innerHeight + 1 && r.top >= 0 && r.right <= window.innerWidth + 1 ? null : `${sel}: ${Math.round(r.top)}–${Math.round(r.bottom)} px of ${window.innerHeight}`;
        }).filter(Boolean);
      });
      await shot(page, `30-lesson-${String(links.findIndex((l) => l.id === id) + 1).padStart(2, '0')}-${id}`);
      expect(fits.length === 0, `lesson ${id}: not on one 1920×1080 screen: ${fits.join('; ')}`);
      await page.close();
    }
  });

  await check('Next and Previous walk the course, and the URL says where', async () => {
    const page = await openPage(presenter, base, '?lesson=rnn&engine=cpu');
    await page.getByTestId('lesson-next').click();
    await waitFor('lesson 2 in the URL', async () => page.url().includes('lesson=vanishing'), 10_000);
    expect(/lesson 2 of/i.test(await page.getByTestId('lesson-card').innerText()), 'the card does not say lesson 2');
    await page.getByTestId('lesson-previous').click();
    await waitFor('lesson 1 in the URL', async () => page.url().includes('lesson=rnn'), 10_000);
    await page.close();
  });

  await check('an unknown lesson id gets a notice, and the page opens on the defaults', async () => {
    const page = await openPage(presenter, base, '?lesson=nonexistent');
    const notices = (await readState(page)).notices.join(' | ');
    expect(/unknown lesson "nonexistent"/.test(notices), `no notice: ${notices}`);
    await page.close();
  });

  await presenter.close();
}
