// The browser tests: the built page (with its Content-Security-Policy, not the dev server) served by
// `vite preview`, driven in Debian's headless Chromium with WebGPU on SwiftShader. `npm run test:e2e` runs them;
// `npx playwright test tests/e2e/faults.spec.ts` or `-g "faults: CSP"` runs a part.
import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';

/** A port nobody listens on now (synchronous: the config is not async). */
function freePort(): number {
  const script = "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

// The runner reads this file, then every worker reads it again: the runner picks the port and its workers inherit
// it through the environment. A free port, not a fixed one, so that two runs on one machine do not collide.
process.env.RNNLAB_E2E_PORT ??= String(freePort());
const port = Number(process.env.RNNLAB_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  // SwiftShader renders and computes on the CPU, and the tests assert response times and frame times: one test at
  // a time, so that two pages never share the machine's few cores.
  workers: 1,
  fullyParallel: false,
  // No retries: a check that depends on timing or luck shows up as a failure.
  retries: 0,
  timeout: 5 * 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1440, height: 1000 },
    deviceScaleFactor: 1,
    permissions: ['clipboard-read', 'clipboard-write'],
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node tests/e2e/serve.mjs ${port}`,
    url: baseURL,
    reuseExistingServer: false,
    timeout: 5 * 60_000, // the build alone takes a minute or more on two busy cores
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 }, // serve.mjs removes its build folder on the way out
  },
});
