import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The dev server only: index.html's Content-Security-Policy is for the built site. `vite` serves CSS as
 * <style> elements added by script, React's hot reload needs an inline preamble script, and the HMR client
 * talks over a WebSocket; this relaxes exactly those three for `npm run dev`. The build keeps the strict policy.
 */
function devServerCsp(): Plugin {
  return {
    name: 'rnnlab-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/content="default-src 'self';[^"]*"/, (policy) =>
        policy
          .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
          .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
          .replace("connect-src 'self'", "connect-src 'self' ws: wss:"),
      );
    },
  };
}

/**
 * The built page works offline after one visit: a Workbox service worker (generated at build time, sw.js) precaches
 * the whole build: the HTML, the JS (the WGSL shaders are inside it, imported with `?raw`), the workers, the CSS,
 * the icons and manifest, the shipped corpora (0.5 MB) and the char checkpoint (0.12 MB), about 2 MB in all. Any
 * navigation, a link with its query included, gets the cached index.html. src/main.tsx registers it, in the
 * built page only. An update is installed in the background and takes over at once (skipWaiting, clientsClaim);
 * the page is not reloaded under a class: it says that a new version is ready and the next reload shows it.
 */
function offlineServiceWorker(): Plugin[] {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: false, // src/main.tsx registers, through virtual:pwa-register
    manifest: {
      name: 'rnnlab — the gradient lab',
      short_name: 'rnnlab',
      description: 'Train recurrent networks in the browser and watch gradients vanish and explode.',
      theme_color: '#0072b2', // --accent of src/ui/styles.css
      background_color: '#f6f7f9', // --bg
      display: 'standalone',
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    includeManifestIcons: false, // globPatterns has them already
    workbox: {
      globPatterns: ['**/*.{html,js,css,svg,png,webmanifest,txt,safetensors}'],
      skipWaiting: true,
      clientsClaim: true,
      // Workbox leaves out, with only a build warning, any file over this (2 MiB by default), and the page would then
      // not load offline. The main script is 1 MB and grows; the offline e2e test fails if one is left out.
      maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    },
  });
}

export default defineConfig({
  plugins: [react(), devServerCsp(), offlineServiceWorker()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/gpu/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
