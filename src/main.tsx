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

start();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
