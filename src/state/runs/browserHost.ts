// The browser side of the Autosaver: window events, timers and document.visibilityState.
import type { AutosaveHost } from './runStore';

export function browserAutosaveHost(): AutosaveHost {
  return {
    addEventListener: (type, listener) => (type === 'visibilitychange' ? document : window).addEventListener(type, listener),
    removeEventListener: (type, listener) => (type === 'visibilitychange' ? document : window).removeEventListener(type, listener),
    setInterval: (handler, ms) => window.setInterval(handler, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
    visibility: () => document.visibilityState,
  };
}
