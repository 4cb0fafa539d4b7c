// One queue for every operation on the Trainer, so commands never interleave with a step.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** `onError` hears every failure of a queued operation (the session reports it to the page). */
  constructor(private readonly onError: (e: unknown) => void) {}

  /** Runs `fn` after everything queued before it; a failure is reported and the queue goes on. */
  run<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch((e) => this.onError(e));
    return run;
  }

  /** run() for operations nobody awaits: a failure is already reported by run(). */
  enqueue(fn: () => Promise<unknown>): void {
    this.run(fn).catch(() => undefined);
  }
}
