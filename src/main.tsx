import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { encodeConfig } from './core/config';
import { start } from './state/controller';
import { PRESETS, presetConfig } from './state/presets';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

declare global {
  interface Window {
    /** For the console and the end-to-end tests: read-only access to the page's state. */
    rnnlab: { store: typeof useStore; presetLinks: () => { id: string; query: string }[] };
  }
}

window.rnnlab = {
  store: useStore,
  presetLinks: () => PRESETS.map((p) => ({ id: p.id, query: encodeConfig(presetConfig(p)) })),
};

start();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
