/// <reference types="vite-plugin-pwa/client" />
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { encodeRun, LESSONS, lessonConfig } from './core/lessons';
import { start } from './state/controller';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

declare global {
  interface Window {
    /** For the console and the end-to-end tests: read-only access to the page's state. */
    rnnlab: { store: typeof useStore; lessonLinks: () => { id: string; query: string }[] };
  }
}

window.rnnlab = {
  store: useStore,
  lessonLinks: () => LESSONS.map((l) => ({ id: l.id, query: encodeRun(lessonConfig(l)) })),
};

/**
 * The built page only (not `vite`'s dev server, where a cached build would hide every edit): the service worker
 * that keeps the page working offline (vite.config.ts). An update takes over in the background; instead of
 * reloading under a class, the page says so once and the next reload shows the new version.
 */
function registerOfflineWorker(): void {
  if (!import.meta.env.PROD) return;
  void import('virtual:pwa-register').then(({ registerSW }) =>
    registerSW({
      onNeedReload: () => useStore.setState({ message: 'A new version of rnnlab is ready: reload the page when convenient to use it.' }),
      onRegisterError: (error: unknown) => console.warn('rnnlab: the page will not work offline (no service worker):', error),
    }),
  );
}

start();
registerOfflineWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
