import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

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

export default defineConfig({
  plugins: [react(), devServerCsp()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/gpu/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
