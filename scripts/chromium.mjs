// How every headless Chromium of the project is launched (browser tests, the GPU parity case, the benchmark):
// Debian's chromium with WebGPU on SwiftShader, and without the background traffic the closed network refuses.
const ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--headless',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The executable ($CHROMIUM overrides; `npx playwright install` cannot work here) and its flags. */
export function chromiumLaunchOptions() {
  return { executablePath: process.env.CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...ARGS] };
}
