// A training step is one or more chunks (truncated BPTT); each scored chunk runs its own backward, clipping and
// update. Both engines sum their chunks into the step's result here, so the rule is written once: the loss is the
// mean over every scored (t, b) of the step, penalties and squared gradient norms add up, the clip factor is the
// smallest of any chunk, and one non-finite chunk makes the step non-finite.

/** What one scored chunk adds. */
export interface ChunkTotals {
  lossSum: number; // summed loss over the chunk's scored (t, b) (or elements, for mse)
  count: number; // how many it scored (the divisor of the mean)
  penalty: number;
  gradNormSq: number; // ‖gradient‖² before clipping
  clipFactor: number; // ‖clipped‖ / ‖raw‖
  finite: boolean;
  updated: boolean; // an optimiser update was made
}

export class StepTotals {
  private lossSum = 0;
  private count = 0;
  private penalty = 0;
  private gradNormSq = 0;
  private clipFactor = 1;
  private updates = 0;
  private finite = true;

  add(chunk: ChunkTotals): void {
    this.lossSum += chunk.lossSum;
    this.count += chunk.count;
    this.penalty += chunk.penalty;
    this.gradNormSq += chunk.gradNormSq;
    this.clipFactor = Math.min(this.clipFactor, chunk.clipFactor);
    this.finite &&= chunk.finite;
    if (chunk.updated) this.updates++;
  }

  /** The step's loss (mean; 0 when nothing was scored), penalty, gradient norm, clip factor, updates and finiteness. */
  result(): { loss: number; penalty: number; gradNorm: number; clipFactor: number; updates: number; finite: boolean } {
    return {
      loss: this.count > 0 ? this.lossSum / this.count : 0,
      penalty: this.penalty,
      gradNorm: Math.sqrt(this.gradNormSq),
      clipFactor: this.clipFactor,
      updates: this.updates,
      finite: this.finite,
    };
  }
}
