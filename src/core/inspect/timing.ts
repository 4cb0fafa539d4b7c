// Time and turns of the event loop for the long computations of a worker (races, sweeps, connectivity):
// between pieces of work they give the loop a turn now and then, so the worker still hears "cancel" or "pause".

/** Milliseconds from a monotonic clock where there is one. */
export function clock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Lets queued messages and timers run before going on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
