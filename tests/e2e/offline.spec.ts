// The page works offline after one visit: the built page's service worker (vite.config.ts, registered by
// src/main.tsx) precaches the build, the corpora and the char checkpoint. Each test visits once online, waits for
// the worker to control the page, cuts the network (context.setOffline) and reloads: the page must load, train,
// and open the char lesson from the cache. The manifest must parse and the page be installable.
// Playwright's default `serviceWorkers: 'allow'` is what lets the worker run.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openLab, pollFor, readState, shot, statusOf, stepOf, waitForEngine } from './helpers';

const SMALL = 'cell=rnn_tanh&H=8&T=10&B=4';

/** Waits until the service worker is active and controls the page (it claims the page that registered it). */
async function waitForServiceWorker(page: Page): Promise<string> {
  const scriptURL = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? '');
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { message: 'the service worker to control the page', timeout: 30_000 }).toBe(true);
  return scriptURL;
}

/** Cuts the network and reloads: what loads now comes from the service worker's cache. */
async function reloadOffline(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  expect(await page.evaluate(() => navigator.onLine), 'the browser is offline').toBe(false);
  const response = await page.reload();
  expect(response?.fromServiceWorker(), 'the page came from the service worker').toBe(true);
  await waitForEngine(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the reloaded page is controlled by the service worker').toBe(true);
}

test('offline after one visit: the page reloads with no network and trains when Play is pressed', async ({ context, page }) => {
  await openLab(page, `?${SMALL}&seed=5`);
  const scriptURL = await waitForServiceWorker(page);
  console.log(`    service worker: ${scriptURL}`);
  expect(new URL(scriptURL).pathname, 'the service worker is the build\'s sw.js').toBe('/sw.js');

  await reloadOffline(context, page);
  const loaded = await pollFor(
    'the page to start on an engine, offline',
    async () => {
      const s = await readState(page);
      if (s.error) throw new Error(`error offline: ${s.error}`);
      return s.status === 'running' || s.status === 'paused' ? s : null;
    },
    { timeout: 60_000 },
  );
  if (loaded.status === 'running') {
    await page.getByTestId('play').click(); // the page starts playing; pause first, so that Play is what starts it
    await expect.poll(() => statusOf(page), { message: 'the paused status', timeout: 10_000 }).toBe('paused');
  }
  const pausedAt = await stepOf(page);
  await page.getByTestId('play').click();
  await expect.poll(() => stepOf(page), { message: `steps past ${pausedAt} after Play, offline`, timeout: 60_000 }).toBeGreaterThanOrEqual(pausedAt + 50);
  const s = await readState(page);
  expect(s.status, 'training runs offline').toBe('running');
  expect(s.error, 'no error offline').toBeNull();
  console.log(`    offline (${s.engine.kind}): Play at step ${pausedAt}, now step ${s.step}`);
  await shot(page, '40-offline-training');
});

test('offline after one visit: the char lesson opens with its corpus and checkpoint from the cache', async ({ context, page }) => {
  await openLab(page, `?${SMALL}&seed=6`); // the first visit is not a char run: the corpus comes from the precache
  await waitForServiceWorker(page);
  await context.setOffline(true);
  const fromCache: string[] = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/(corpora|checkpoints)\//.test(path) && r.ok() && r.fromServiceWorker()) fromCache.push(path);
  });
  await page.goto('/?lesson=char&engine=cpu');
  await waitForEngine(page);
  const opened = await pollFor(
    'the char lesson to open from its checkpoint, offline',
    async () => {
      const st = await readState(page);
      if (st.error) throw new Error(`error offline: ${st.error}`);
      return (st.message ?? '').startsWith('opened from a checkpoint') ? st : null;
    },
    { timeout: 60_000 },
  );
  console.log(`    offline: ${opened.message}`);
  expect(await page.evaluate(() => window.rnnlab.store.getState().corpusLoaded), 'the grammar corpus is loaded').toBe('grammar');
  expect(fromCache.sort(), 'the corpus and the checkpoint came from the service worker').toEqual(['/checkpoints/char-grammar-lstm64.safetensors', '/corpora/grammar.txt']);
  const from = opened.step;
  await expect.poll(() => stepOf(page), { message: `the char lesson to train past step ${from}, offline`, timeout: 60_000 }).toBeGreaterThanOrEqual(from + 5);
  await shot(page, '41-offline-char-lesson');
});

test('the web app manifest parses without errors and the page is installable', async ({ context, page }) => {
  await openLab(page, `?${SMALL}`);
  await waitForServiceWorker(page);
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: { message: string }[]; data?: string };
  expect(new URL(manifest.url).pathname, 'the page links its manifest').toBe('/manifest.webmanifest');
  expect(manifest.errors.map((e) => e.message), 'manifest parsing errors').toEqual([]);
  const parsed = JSON.parse(manifest.data ?? '{}') as { name?: string; icons?: { src: string }[]; theme_color?: string };
  expect(parsed.name, 'the manifest names the app').toContain('rnnlab');
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  // Playwright's contexts are off the record, where Chromium installs nothing ('in-incognito'); nothing of the page's
  // own (manifest fields, icons, service worker) may be on the list
  const pageErrors = installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito');
  expect(pageErrors, 'what keeps the page from being installable').toEqual([]);
  // every icon the manifest lists loads, and is an image
  for (const icon of parsed.icons ?? []) {
    const r = await page.request.get(`/${icon.src}`);
    expect(r.ok() && (r.headers()['content-type'] ?? '').startsWith('image/'), `icon ${icon.src}: ${r.status()} ${r.headers()['content-type']}`).toBe(true);
  }
  console.log(`    manifest: ${parsed.name}, ${parsed.icons?.length} icons, theme ${parsed.theme_color}`);
});
