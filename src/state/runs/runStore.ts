// Runs kept in the browser (IndexedDB), so a reload or a closed tab loses nothing. Two object stores: "runs"
// (name, settings, times, decimated metric history — small, listed often) and "checkpoints" (weights and
// optimiser state as Float32Arrays — large, read only to resume). Each save writes both in one transaction,
// so a failed save leaves the previous version of the run whole. When storage is full, a save drops what
// can be rebuilt (optimiser state, then fine-grained history) before giving up, and always says so.
import type { MetricRecord } from '../../core/export/metrics';
import type { SavedCheckpoint } from '../../train/protocol';

export const DB_NAME = 'rnnlab-runs';
const DB_VERSION = 1;
const RUNS = 'runs';
const CHECKPOINTS = 'checkpoints';

/** Saved history is thinned to at most this many rows (first and newest always kept). */
export const MAX_METRIC_ROWS = 2000;
/** What rnnlab allows itself in total, below the browser's own quota (a soft limit, checked before writing). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** What the page hands to save(). */
export interface RunSnapshot {
  id: string;
  name: string;
  config: string; // encodeConfig(config): the URL query of the run
  step: number;
  checkpoint: SavedCheckpoint | null;
  metrics: MetricRecord[];
}

export interface RunSummary {
  id: string;
  name: string;
  config: string;
  step: number;
  createdAt: number; // ms since the epoch
  updatedAt: number;
  bytes: number; // approximate stored size, checkpoint included
  hasCheckpoint: boolean;
  hasOptimizer: boolean;
}

export interface SavedRun extends RunSummary {
  checkpoint: SavedCheckpoint | null;
  metrics: MetricRecord[];
}

export type SaveOutcome =
  | { ok: true; bytes: number; kept: 'everything' | 'no-optimizer' | 'short-history'; message: string | null }
  | { ok: false; quota: boolean; message: string };

interface RunRow extends RunSummary {
  metrics: MetricRecord[];
}

interface CheckpointRow extends SavedCheckpoint {
  id: string;
}

/** Every n-th row so that at most `max` remain; the first and the newest rows are always kept. */
export function thinMetrics(records: readonly MetricRecord[], max = MAX_METRIC_ROWS): MetricRecord[] {
  if (records.length <= max) return records.slice();
  const stride = Math.ceil((records.length - 1) / (max - 1));
  const out: MetricRecord[] = [];
  for (let i = 0; i < records.length - 1; i += stride) out.push(records[i]);
  out.push(records[records.length - 1]);
  return out;
}

/** Bytes a snapshot takes, roughly (typed arrays exactly, history at ~120 bytes a row). */
export function snapshotBytes(s: Pick<RunSnapshot, 'checkpoint' | 'metrics' | 'config' | 'name'>): number {
  let bytes = 512 + 2 * (s.config.length + s.name.length) + 120 * s.metrics.length;
  if (s.checkpoint) {
    bytes += s.checkpoint.params.byteLength;
    for (const slot of s.checkpoint.optimizer?.slots ?? []) bytes += slot.byteLength;
  }
  return bytes;
}

/** Whether an error means "storage is full" (the DOMException, Firefox's older name, or our own soft limit). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || e instanceof StorageFullError;
}

class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** A new run id (not a random number for any computation: ids only need to be unique). */
export function newRunId(now = Date.now()): string {
  // getRandomValues, unlike randomUUID, exists outside secure contexts too (a class server on plain http)
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `run-${now.toString(36)}-${random}`;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the save was cancelled by the browser'));
  });
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export class RunStore {
  private constructor(
    private readonly db: IDBDatabase,
    readonly maxBytes: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Opens (creating on first use) the database. `factory` is the browser's indexedDB unless given (tests pass
   * fake-indexeddb's). Rejects with a readable message when the browser gives no storage (e.g. some private windows).
   */
  static async open(options: { factory?: IDBFactory; name?: string; maxBytes?: number; clock?: () => number } = {}): Promise<RunStore> {
    const factory = options.factory ?? (typeof indexedDB !== 'undefined' ? indexedDB : undefined);
    if (!factory) throw new Error('This browser gives the page no local database, so runs cannot be kept after a reload.');
    const req = factory.open(options.name ?? DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS, { keyPath: 'id' });
    };
    let db: IDBDatabase;
    try {
      db = await request(req);
    } catch (e) {
      throw new Error(`The local run database could not be opened (${e instanceof Error ? e.message : String(e)}); runs will not be kept after a reload.`, { cause: e });
    }
    return new RunStore(db, options.maxBytes ?? DEFAULT_MAX_BYTES, options.clock ?? Date.now);
  }

  close(): void {
    this.db.close();
  }

  /** Every saved run, newest first, without checkpoints or history. */
  async list(): Promise<RunSummary[]> {
    const rows = await request(this.db.transaction(RUNS, 'readonly').objectStore(RUNS).getAll() as IDBRequest<RunRow[]>);
    return rows.map(({ metrics: _metrics, ...summary }) => summary).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async load(id: string): Promise<SavedRun | null> {
    const tx = this.db.transaction([RUNS, CHECKPOINTS], 'readonly');
    const [row, cp] = await Promise.all([
      request(tx.objectStore(RUNS).get(id) as IDBRequest<RunRow | undefined>),
      request(tx.objectStore(CHECKPOINTS).get(id) as IDBRequest<CheckpointRow | undefined>),
    ]);
    if (!row) return null;
    const checkpoint = cp ? { spec: cp.spec, params: cp.params, optimizer: cp.optimizer } : null;
    return { ...row, checkpoint };
  }

  /**
   * Saves (creates or replaces) a run. When storage is full it retries without the optimiser state, then with
   * a short history, and reports what it kept; if even that does not fit, the previous save of this run stays
   * as it was and the outcome says why. Never throws for storage reasons.
   */
  async save(snapshot: RunSnapshot): Promise<SaveOutcome> {
    const attempts: { kept: 'everything' | 'no-optimizer' | 'short-history'; snap: RunSnapshot }[] = [{ kept: 'everything', snap: { ...snapshot, metrics: thinMetrics(snapshot.metrics) } }];
    if (snapshot.checkpoint?.optimizer) {
      attempts.push({ kept: 'no-optimizer', snap: { ...attempts[0].snap, checkpoint: { ...snapshot.checkpoint, optimizer: null } } });
    }
    const last = attempts[attempts.length - 1].snap;
    attempts.push({ kept: 'short-history', snap: { ...last, metrics: thinMetrics(last.metrics, 200) } });

    let others: number;
    try {
      others = (await this.list()).filter((r) => r.id !== snapshot.id).reduce((n, r) => n + r.bytes, 0);
    } catch (e) {
      return { ok: false, quota: false, message: `The run could not be saved: ${e instanceof Error ? e.message : String(e)}` };
    }
    let lastError: unknown = null;
    for (const { kept, snap } of attempts) {
      try {
        const bytes = await this.write(snap, others);
        const message =
          kept === 'everything'
            ? null
            : kept === 'no-optimizer'
              ? 'Storage is nearly full: the run was saved without its optimiser state (training resumes with a fresh optimiser). Delete old runs to keep everything.'
              : 'Storage is nearly full: the run was saved without its optimiser state and with a shortened history. Delete old runs to keep everything.';
        return { ok: true, bytes, kept, message };
      } catch (e) {
        lastError = e;
        if (!isQuotaError(e)) break;
      }
    }
    if (isQuotaError(lastError)) {
      return {
        ok: false,
        quota: true,
        message: `Storage is full: this run (${mb(snapshotBytes(snapshot))}) was not saved; it is still here until you close the page. Delete old runs in the list, or export the model to a file.`,
      };
    }
    return { ok: false, quota: false, message: `The run could not be saved: ${lastError instanceof Error ? lastError.message : String(lastError)}` };
  }

  /** One transaction for both stores; the soft limit is checked first. Returns the bytes stored. */
  private async write(snap: RunSnapshot, othersBytes: number): Promise<number> {
    const bytes = snapshotBytes(snap);
    if (othersBytes + bytes > this.maxBytes) {
      throw new StorageFullError(`saved runs would take ${mb(othersBytes + bytes)}, over the ${mb(this.maxBytes)} rnnlab keeps`);
    }
    const tx = this.db.transaction([RUNS, CHECKPOINTS], 'readwrite');
    const finished = done(tx);
    const runs = tx.objectStore(RUNS);
    const now = this.clock();
    try {
      const previous = await request(runs.get(snap.id) as IDBRequest<RunRow | undefined>);
      const row: RunRow = {
        id: snap.id,
        name: snap.name,
        config: snap.config,
        step: snap.step,
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
        bytes,
        hasCheckpoint: snap.checkpoint !== null,
        hasOptimizer: snap.checkpoint?.optimizer != null,
        metrics: snap.metrics,
      };
      runs.put(row);
      const checkpoints = tx.objectStore(CHECKPOINTS);
      if (snap.checkpoint) checkpoints.put({ id: snap.id, ...snap.checkpoint } satisfies CheckpointRow);
      else checkpoints.delete(snap.id);
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await finished.catch(() => undefined);
      throw e;
    }
    await finished;
    return bytes;
  }

  async rename(id: string, name: string): Promise<void> {
    const clean = name.trim().slice(0, 120);
    if (clean === '') throw new Error('A run needs a name.');
    const tx = this.db.transaction(RUNS, 'readwrite');
    const finished = done(tx);
    const store = tx.objectStore(RUNS);
    const row = await request(store.get(id) as IDBRequest<RunRow | undefined>);
    if (!row) {
      tx.abort();
      await finished.catch(() => undefined);
      throw new Error('That run is no longer saved.');
    }
    store.put({ ...row, name: clean, updatedAt: this.clock() });
    await finished;
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction([RUNS, CHECKPOINTS], 'readwrite');
    const finished = done(tx);
    tx.objectStore(RUNS).delete(id);
    tx.objectStore(CHECKPOINTS).delete(id);
    await finished;
  }
}

/** The events and timers Autosaver uses: `window` in the page; a plain object in tests. */
export interface AutosaveHost {
  addEventListener(type: 'pagehide' | 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'pagehide' | 'visibilitychange', listener: () => void): void;
  setInterval(handler: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  /** document.visibilityState; visibilitychange saves only when it becomes 'hidden'. */
  visibility?: () => string;
}

/**
 * Saves the current run every `everyMs` and when the page is hidden or closed. `snapshot` may be async (the
 * weights live in the worker); on pagehide there is no time to wait, so the newest snapshot already taken is
 * saved at once while a fresh one is requested. Saves never overlap; a request during a save runs after it.
 */
export class Autosaver {
  private timer: unknown = null;
  private latest: RunSnapshot | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly onHide = () => this.saveUrgently();
  private readonly onVisibility = () => {
    if (!this.host?.visibility || this.host.visibility() === 'hidden') this.saveUrgently();
  };
  private host: AutosaveHost | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly snapshot: () => RunSnapshot | null | Promise<RunSnapshot | null>,
    private readonly options: { everyMs?: number; onSaved?: (outcome: SaveOutcome, snapshot: RunSnapshot) => void } = {},
  ) {}

  start(host: AutosaveHost): void {
    this.stop();
    this.host = host;
    this.timer = host.setInterval(() => void this.saveNow(), this.options.everyMs ?? 15_000);
    host.addEventListener('pagehide', this.onHide);
    host.addEventListener('visibilitychange', this.onVisibility);
  }

  stop(): void {
    if (!this.host) return;
    this.host.clearInterval(this.timer);
    this.host.removeEventListener('pagehide', this.onHide);
    this.host.removeEventListener('visibilitychange', this.onVisibility);
    this.host = null;
  }

  /** Takes a fresh snapshot and saves it (after any save in progress). Null when there was nothing to save. */
  saveNow(): Promise<SaveOutcome | null> {
    const run = this.chain.then(async () => {
      const snap = await this.snapshot();
      if (!snap) return null;
      this.latest = snap;
      return this.persist(snap);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Page going away: write the newest snapshot we hold right now, then try a fresh one. */
  private saveUrgently(): void {
    if (this.latest) void this.persist(this.latest);
    void this.saveNow();
  }

  private async persist(snap: RunSnapshot): Promise<SaveOutcome> {
    const outcome = await this.store.save(snap);
    this.options.onSaved?.(outcome, snap);
    return outcome;
  }
}
