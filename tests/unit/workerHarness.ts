// The training session (src/train/session.ts, what the worker runs) in Node on the CPU engine, for tests: its
// handler is called as the page's postMessage would be, and what it posts is collected.
import type { FromWorker, ToWorker } from '../../src/train/protocol';
import { TrainingSession } from '../../src/train/session';

/** A fresh session; returns what it posts and a way to post to it. */
export async function startWorker() {
  const sent: FromWorker[] = [];
  const session = new TrainingSession((m) => sent.push(m));
  const post = (m: ToWorker) => session.handle(m);
  // At full speed the loop yields through a MessageChannel, which in Node starves this thread's timers (a real
  // worker has a thread of its own): a finite speed makes it wait on timers between steps.
  post({ type: 'speed', stepsPerSecond: 2000 });
  return { sent, post };
}

export type TestWorker = Awaited<ReturnType<typeof startWorker>>;

/** Pauses the session and waits until it says so, so none runs on into the next test. */
export async function stopWorker(worker: TestWorker): Promise<void> {
  const from = worker.sent.length;
  worker.post({ type: 'pause' });
  await waitFor('the worker to stop', () => worker.sent.slice(from).some((m) => m.type === 'status' && m.status !== 'running'));
  await sleep(20);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

