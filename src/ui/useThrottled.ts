// A store value that re-renders its component at most every `ms` milliseconds: heavy charts (recharts)
// need not redraw at the worker's 20 frames per second to look live, and the main thread stays free.
// The update is a transition, so React renders it in slices between frames instead of in one long task.
import { startTransition, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useStore, type AppState } from '../state/store';

export function useThrottledStore<V>(selector: (s: AppState) => V, ms: number): V {
  const [value, setValue] = useState(() => selector(useStore.getState()));
  const selectorRef = useRef(selector);
  // updated after each commit (not during render), before the subscription below can call it again
  useLayoutEffect(() => {
    selectorRef.current = selector;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const flush = () => {
      timer = null;
      last = performance.now();
      const next = selectorRef.current(useStore.getState());
      startTransition(() => setValue(() => next));
    };
    const unsubscribe = useStore.subscribe((state, prev) => {
      if (selectorRef.current(state) === selectorRef.current(prev)) return;
      if (timer !== null) return;
      const wait = Math.max(0, ms - (performance.now() - last));
      timer = setTimeout(flush, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [ms]);
  return value;
}
