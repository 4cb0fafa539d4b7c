// End-to-end checks of the classroom and take-away features: embed mode, hidden controls, the share menu,
// the export panel's model download, the inside-the-cell views after a pause, a race from a link, and a
// reload that resumes the run. run.mjs calls these with its helpers (check, openPage, readState, shot…).

/** @param {{ check: Function, openPage: Function, readState: Function, shot: Function, waitFor: Function, expect: Function, context: any, base: string }} h */
export async function classroomChecks(h) {
  const { check, openPage, readState, shot, waitFor, expect, context, base } = h;

  await check('embed mode: minimal chrome, and hide= hides controls and groups', async () => {
    const page = await openPage(context, base, '?preset=vanishing&wrec=0.5&embed=1&hide=lr,clip,model,wrec');
    await waitFor('a few steps', async () => (await readState(page)).step >= 3, 60_000);
    const counts = await page.evaluate(() => {
      const n = (sel) => document.querySelectorAll(sel).length;
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
    expect(counts.tagline === 0 && counts.footer === 0 && counts.sections === 0, `embed still shows chrome: ${JSON.stringify(counts)}`);
    expect(counts.lr === 0 && counts.clip === 0 && counts.cell === 0 && counts.H === 0 && counts.wrec === 0, `hidden controls are shown: ${JSON.stringify(counts)}`);
    expect(counts.B === 1 && counts.task === 1 && counts.full === 1, `controls that should stay are gone: ${JSON.stringify(counts)}`);
    const href = await page.getByTestId('open-full').getAttribute('href');
    expect(!href.includes('embed=1'), `"open the full lab" keeps embed: ${href}`);
    await shot(page, '20-embed-hide');
    await page.close();
  });

  await check('share menu: pin engine and steps, and a copyable embed snippet', async () => {
    const page = await openPage(context, base, '?preset=vanishing&wrec=0.5&engine=cpu');
    await waitFor('10 steps', async () => (await readState(page)).step >= 10, 60_000);
    await page.getByTestId('play').click(); // pauses, so the pinned step count holds still
    await waitFor('the pause', async () => (await readState(page)).status === 'paused', 10_000);
    await page.getByTestId('share-menu').click();
    const plain = await page.getByTestId('share-link').inputValue();
    expect(!plain.includes('engine='), `an unpinned link pins the engine: ${plain}`);
    await page.getByTestId('pin-engine').check();
    await page.getByTestId('pin-steps').check();
    const pinned = await page.getByTestId('share-link').inputValue();
    expect(pinned.includes('engine=cpu') && /steps=\d+/.test(pinned), `pinned link: ${pinned}`);
    const snippet = await page.getByTestId('embed-snippet').inputValue();
    expect(snippet.startsWith('<iframe src="') && snippet.includes('embed=1'), `snippet: ${snippet}`);
    await page.getByTestId('copy-embed').click();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip === snippet, 'the copied snippet differs from the one shown');
    await shot(page, '21-share-menu');
    await page.close();
  });

  await check('presenter mode from the link', async () => {
    const page = await openPage(context, base, '?preset=vanishing&wrec=0.5&presenter=1');
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(size >= 20, `presenter=1 gives font size ${size}`);
    await page.getByTestId('presenter').click();
    await waitFor('presenter=1 to leave the URL', async () => !(await page.evaluate(() => location.search)).includes('presenter'), 5000);
    await page.close();
  });

  await check('export panel downloads the model as safetensors, and imports it back', async () => {
    const page = await openPage(context, base, '?cell=lstm&T=20&H=16&engine=cpu');
    await waitFor('5 steps', async () => (await readState(page)).step >= 5, 60_000);
    await page.getByTestId('play').click(); // pause: the file holds the weights of this exact step
    await waitFor('the pause', async () => (await readState(page)).status === 'paused', 10_000);
    const exportedStep = (await readState(page)).step;
    await page.getByTestId('export-section').locator('summary').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('export-model').click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(download.suggestedFilename().endsWith('.safetensors'), `file name ${download.suggestedFilename()}`);
    expect('lstm.weight_hh_l0' in header || Object.keys(header).some((k) => k.includes('weight_hh_l0')), `tensors: ${Object.keys(header).join(', ')}`);
    console.log(`    ${download.suggestedFilename()}: ${bytes.length} bytes, ${Object.keys(header).length - 1} tensors`);
    // back to step 0, then load the file: the run is at the exported step again
    await page.getByTestId('reset').click();
    await waitFor('the reset', async () => (await readState(page)).step === 0, 10_000);
    await page.getByTestId('import-file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: bytes });
    await waitFor(`the imported weights at step ${exportedStep}`, async () => (await readState(page)).step === exportedStep, 20_000);
    const note = await page.getByTestId('export-message').innerText();
    expect(note.startsWith('Loaded'), `import message: ${note}`);
    console.log(`    imported back: ${note.slice(0, 120)}`);
    await shot(page, '22-export-panel');
    await page.close();
  });

  await check('inside the cell renders after a pause, computed on the WebGPU engine (heat map too)', async () => {
    const page = await openPage(context, base, '?cell=lstm&T=20&H=16&engine=webgpu');
    await waitFor('5 steps', async () => (await readState(page)).step >= 5, 60_000);
    await page.getByTestId('play').click(); // pauses
    await page.getByTestId('inside-section').locator('summary').click();
    await page.getByTestId('gate-histograms').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('connectivity').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('cell-diagram').waitFor({ state: 'visible', timeout: 30_000 });
    const caption = await page.getByTestId('connectivity').innerText();
    expect(caption.includes('computed on the GPU (WebGPU)'), `connectivity caption: ${caption.slice(0, 200)}`);
    await page.getByText('connectivity for every t').click();
    await page.locator('[data-testid="connectivity"] canvas').waitFor({ state: 'visible', timeout: 60_000 });
    await page.getByTestId('inside-section').scrollIntoViewIfNeeded();
    await shot(page, '23-inside-the-cell');
    await page.getByTestId('connectivity').scrollIntoViewIfNeeded();
    await shot(page, '23b-connectivity-on-webgpu');
    await page.close();
  });

  await check('inside the cell follows a running training (GRU gates over the whole batch)', async () => {
    const page = await openPage(context, base, '?cell=gru&T=20&H=16&engine=webgpu');
    await waitFor('2 steps', async () => (await readState(page)).step >= 2, 60_000);
    await page.getByTestId('inside-section').locator('summary').click();
    await page.getByTestId('gate-histograms').waitFor({ state: 'visible', timeout: 30_000 });
    const stepShown = async () => Number(/step (\d+)/.exec(await page.getByTestId('cell-diagram').innerText())?.[1] ?? NaN);
    const first = await stepShown();
    await waitFor('a newer inspection while training runs', async () => (await stepShown()) > first, 30_000);
    const caption = await page.getByTestId('gate-histograms').innerText();
    expect(/\d+ sequences of 20 steps/.test(caption), `gate caption: ${caption.slice(0, 160)}`);
    console.log(`    inspected at step ${first}, then ${await stepShown()} while running`);
    await page.close();
  });

  await check('a long heat map shows its progress and stops when it is switched off', async () => {
    const page = await openPage(context, base, '?task=char&corpus=code&cell=lstm&H=96&T=64&engine=webgpu');
    await waitFor('2 steps', async () => (await readState(page)).step >= 2, 60_000);
    await page.getByTestId('play').click(); // pauses
    await page.getByTestId('inside-section').locator('summary').click();
    await page.getByTestId('connectivity').waitFor({ state: 'visible', timeout: 60_000 });
    await page.getByTestId('heat-map-toggle').check();
    await waitFor('the heat map progress readout', async () => /connectivity \d+ \/ \d+ passes/.test((await page.getByTestId('inspect-progress').textContent().catch(() => '')) ?? ''), 60_000);
    const readout = await page.getByTestId('inspect-progress').textContent();
    await page.getByTestId('heat-map-toggle').uncheck();
    await waitFor('the inspection without the heat map', async () => (await page.getByTestId('inspect-progress').count()) === 0, 60_000);
    expect((await page.locator('[data-testid="connectivity"] canvas').count()) === 0, 'the heat map was drawn although switched off');
    expect(!(await page.getByTestId('heat-map-toggle').isChecked()), 'the heat-map box is checked again');
    console.log(`    progress seen: "${readout}"`);
    await page.close();
  });

  await check('inside the cell on text: units coloured over the characters', async () => {
    const page = await openPage(context, base, '?task=char&corpus=code&cell=lstm&H=16&T=20&engine=cpu');
    await waitFor('3 steps', async () => (await readState(page)).step >= 3, 60_000);
    await page.getByTestId('play').click();
    await page.getByTestId('inside-section').locator('summary').click();
    await page.getByTestId('unit-text').waitFor({ state: 'visible', timeout: 30_000 });
    const text = await page.getByTestId('unit-text').innerText();
    expect(text.length > 50, `the unit text is nearly empty: ${text.slice(0, 80)}`);
    await page.getByTestId('unit-text').scrollIntoViewIfNeeded();
    await shot(page, '26-inside-text');
    await page.close();
  });

  await check('a race from the link runs in the lab, on the page\'s WebGPU engine', async () => {
    const page = await openPage(context, base, '?task=adding&T=10&H=8&engine=webgpu&race=rnn_tanh,lstm');
    const notices = (await readState(page)).notices;
    expect(notices.length === 0, `race link gave notices: ${notices.join('; ')}`);
    await page.getByTestId('race-view').waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor('the race readout naming its engine', async () => /on WebGPU on /.test(await page.getByTestId('race-view').innerText()), 60_000);
    await page.getByTestId('lab-section').scrollIntoViewIfNeeded();
    await shot(page, '24-race');
    await page.close();
  });

  await check('the Greff preset races LSTM, CIFG and NFG when the lab opens', async () => {
    const page = await openPage(context, base, '?preset=greff&cell=lstm&variant=nfg&T=10&H=8&engine=cpu');
    await page.getByTestId('lab-section').locator('summary').click();
    await page.getByTestId('race-view').waitFor({ state: 'visible', timeout: 60_000 });
    const legend = await page.getByTestId('race-view').innerText();
    expect(/CIFG/i.test(legend) && /NFG/i.test(legend), `the race shows: ${legend.slice(0, 200)}`);
    await page.close();
  });

  await check('a reload restores the run', async () => {
    const page = await openPage(context, base, '?preset=vanishing&wrec=0.5&engine=cpu&seed=9');
    await waitFor('40 steps', async () => (await readState(page)).step >= 40, 60_000);
    await page.getByTestId('play').click(); // pauses
    const saved = await waitFor('the autosave', async () => {
      const s = Number(await page.getByTestId('autosave-status').getAttribute('data-step'));
      return s >= 40 ? s : 0;
    }, 20_000);
    await page.reload();
    await page.waitForFunction(() => window.rnnlab && window.rnnlab.store.getState().engine !== null, null, { timeout: 60_000 });
    await waitFor(`the run to resume at step ${saved}`, async () => {
      const st = await readState(page);
      return st.step >= saved && (st.message ?? '').startsWith('resumed');
    }, 20_000);
    const s = await readState(page);
    expect(s.loss.length > 0 && s.loss[0][0] <= 2, `the loss history did not come back (first point ${JSON.stringify(s.loss[0])})`);
    console.log(`    saved at step ${saved}; after the reload: step ${s.step}, ${s.loss.length} loss points`);
    await waitFor('training to go on', async () => (await readState(page)).step >= saved + 50, 20_000);
    const later = await readState(page);
    const steps = later.loss.map((p) => p[0]);
    expect(steps.every((x, i) => i === 0 || x > steps[i - 1]), 'the loss history is out of order after the resume');
    expect(steps[steps.length - 1] >= saved + 40, `the loss line stops at step ${steps[steps.length - 1]} while the run is at ${later.step}`);
    await shot(page, '25-reload-restored');
    await page.close();
  });
}
