// Bounded-memory series for charts that stream for tens of thousands of steps.
// New points arrive one per training step; once the buffer is full, neighbouring points are merged in
// pairs and the stride doubles, so memory stays fixed and old history is kept at coarser resolution.

export interface SeriesPoint {
  step: number; // training step of the (last) point merged into this one
  value: number; // mean over the merged steps; ±Infinity or NaN when any merged value was non-finite
}

/** Mean of two points, except that a non-finite value wins: a blow-up must stay visible after merging. */
function mergePoints(a: SeriesPoint, b: SeriesPoint): SeriesPoint {
  if (!Number.isFinite(a.value)) return { step: b.step, value: a.value };
  if (!Number.isFinite(b.value)) return { step: b.step, value: b.value };
  return { step: b.step, value: (a.value + b.value) / 2 };
}

export class DecimatingSeries {
  private points: SeriesPoint[] = [];
  private stride = 1; // steps merged into one stored point
  private pending: SeriesPoint | null = null; // partial bucket being accumulated
  private pendingCount = 0; // steps in the partial bucket
  private pendingSum = 0; // sum of its finite values
  private pendingNonFinite: number | null = null; // its last non-finite value, if any

  constructor(readonly capacity = 1000) {
    if (capacity < 4 || capacity % 2 !== 0) throw new Error(`capacity must be an even number ≥ 4, got ${capacity}`);
  }

  push(step: number, value: number): void {
    if (!Number.isFinite(value)) this.pendingNonFinite = value;
    else this.pendingSum += value;
    this.pendingCount++;
    const mean = this.pendingNonFinite !== null ? this.pendingNonFinite : this.pendingSum / this.pendingCount;
    this.pending = { step, value: mean };
    if (this.pendingCount >= this.stride) this.flushPending();
  }

  private flushPending(): void {
    if (!this.pending) return;
    this.points.push(this.pending);
    this.pending = null;
    this.pendingCount = 0;
    this.pendingSum = 0;
    this.pendingNonFinite = null;
    if (this.points.length >= this.capacity) {
      const merged: SeriesPoint[] = [];
      for (let i = 0; i + 1 < this.points.length; i += 2) merged.push(mergePoints(this.points[i], this.points[i + 1]));
      this.points = merged;
      this.stride *= 2;
    }
  }

  /** Stored points plus the partial bucket (so the newest step is always shown). */
  snapshot(): SeriesPoint[] {
    return this.pending ? [...this.points, this.pending] : this.points.slice();
  }

  get length(): number {
    return this.points.length + (this.pending ? 1 : 0);
  }

  get currentStride(): number {
    return this.stride;
  }

  /** Drops every point after `step` (used after a rewind to an earlier checkpoint). */
  truncateAfter(step: number): void {
    this.points = this.points.filter((p) => p.step <= step);
    if (this.pending && this.pending.step > step) {
      this.pending = null;
      this.pendingCount = 0;
      this.pendingSum = 0;
      this.pendingNonFinite = null;
    }
  }

  clear(): void {
    this.points = [];
    this.stride = 1;
    this.pending = null;
    this.pendingCount = 0;
    this.pendingSum = 0;
    this.pendingNonFinite = null;
  }
}

/**
 * At most `max` points for drawing: evenly spaced by index, always keeping the first and the last,
 * and keeping every non-finite point (a blow-up must not be thinned away).
 */
export function thinForDisplay(points: SeriesPoint[], max: number): SeriesPoint[] {
  if (points.length <= max) return points;
  const out: SeriesPoint[] = [];
  const stride = (points.length - 1) / (max - 1);
  let next = 0;
  for (let i = 0; i < points.length; i++) {
    const keep = i >= Math.round(next) || i === points.length - 1 || !Number.isFinite(points[i].value);
    if (!keep) continue;
    out.push(points[i]);
    if (i >= Math.round(next)) next += stride;
  }
  return out;
}
