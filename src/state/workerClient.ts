// The page's end of the training worker: the Worker itself, one ordered chain for what is sent (a configure
// waits for its corpus, and commands queue behind it), the listeners of its messages, and the requests waiting
// for a reply. A message of a replaced worker (already queued when it was terminated) is not of the run shown.
import type { FromWorker, ToWorker } from '../train/protocol';
import { PendingRequests, type ReplyOf, type WorkerReply } from './requests';

export interface WorkerEvents {
  message: (msg: FromWorker) => void;
  /** The worker failed with an uncaught error (or sent a message that could not be read). */
  crash: (reason: string) => void;
}

export class WorkerClient {
  private worker: Worker | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(msg: FromWorker) => void>();
  private readonly requests = new PendingRequests();

  /** Starts a fresh worker (terminating the one before, whose waiting requests fail with `replacedBecause`). */
  start(events: WorkerEvents, replacedBecause = 'the training worker restarted'): void {
    this.stop(replacedBecause);
    const started = new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: 'rnnlab-trainer' });
    this.worker = started;
    started.onmessage = (e: MessageEvent<FromWorker>) => {
      if (this.worker !== started) return;
      this.requests.settle(e.data);
      for (const listener of this.listeners) listener(e.data);
      events.message(e.data);
    };
    started.onerror = (e) => {
      e.preventDefault();
      if (this.worker === started) events.crash(e.message || 'unknown error');
    };
    started.onmessageerror = () => {
      if (this.worker === started) events.crash('a message could not be read');
    };
  }

  /** Terminates the worker; the requests it would have answered fail with `reason`. */
  stop(reason: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.requests.rejectAll(reason);
  }

  /** Sends at once, ahead of anything queued. */
  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Runs `fn` after everything queued before it (a failed step of the chain does not block the rest). */
  queue(fn: () => void | Promise<void>): void {
    this.chain = this.chain.catch(() => undefined).then(fn);
  }

  /** Sends after anything queued (so a command applies to the settings the user just chose). */
  command(message: ToWorker): void {
    this.queue(() => this.post(message));
  }

  /** A request queued like a command; resolves with the worker's reply to it. */
  request<T extends WorkerReply['type']>(type: T, build: (id: number) => ToWorker, replacesOlder = false): Promise<ReplyOf<T>> {
    return this.requests.ask(type, build, (message) => this.command(message), replacesOlder);
  }

  /** A request sent at once (the task view's forward pass does not wait for a pending configure). */
  requestNow<T extends WorkerReply['type']>(type: T, build: (id: number) => ToWorker): Promise<ReplyOf<T>> {
    return this.requests.ask(type, build, (message) => this.post(message));
  }

  /** Calls `listener` with every message from the worker; returns the unsubscribe. */
  listen(listener: (msg: FromWorker) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
