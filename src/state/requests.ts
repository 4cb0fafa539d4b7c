// One request/reply helper for the training worker: every request the page makes gets an id, and the worker's
// reply of the expected type with that id settles it.
import type { FromWorker, ToWorker } from '../train/protocol';

/** The worker's replies to a request. */
export type WorkerReply = Extract<FromWorker, { type: 'forwardResult' | 'model' | 'checkpoint' | 'inspection' | 'cliff' | 'saturation' }>;
export type ReplyOf<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

interface Waiting {
  type: WorkerReply['type'];
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

export class PendingRequests {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  /**
   * Sends `build(id)` with a fresh id through `send`; resolves with the reply of `type` that carries the id.
   * `replacesOlder`: the worker answers only the newest request of this type (inspections), so the older ones
   * waiting are dropped here too; their promises never settle.
   */
  ask<T extends WorkerReply['type']>(type: T, build: (id: number) => ToWorker, send: (message: ToWorker) => void, replacesOlder = false): Promise<ReplyOf<T>> {
    if (replacesOlder) for (const [id, w] of this.waiting) if (w.type === type) this.waiting.delete(id);
    const id = this.nextId++;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      this.waiting.set(id, { type, resolve: resolve as (reply: WorkerReply) => void, reject });
      send(build(id));
    });
  }

  /** Settles the request `message` answers, when it is a reply to one of ours. */
  settle(message: FromWorker): void {
    if (!('id' in message)) return;
    const waiting = this.waiting.get(message.id);
    if (!waiting || waiting.type !== message.type) return; // e.g. an inspection's progress, or a panel's own id
    this.waiting.delete(message.id);
    waiting.resolve(message as WorkerReply);
  }

  /** Every request still waiting fails with `reason` (the worker that would have answered is gone). */
  rejectAll(reason: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(new Error(reason));
  }
}
