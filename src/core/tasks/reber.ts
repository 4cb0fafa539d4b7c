// Embedded Reber grammar (Cleeremans et al. 1989; Hochreiter & Schmidhuber 1997, experiment 1).
// An embedded string is B, then T or P, then an ordinary Reber string (B … E), then the same T or P
// again, then E. Each batch row is a stream of such strings; the task is to predict the next symbol
// at every step (xent on all steps). A model that has learnt the grammar but has no memory predicts
// every step well except the penultimate symbol — the T or P that must match the one seen ~10 steps
// before — where it can only guess (1 in 2). That step is the metric.
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { argmax, checkOutputs } from './metrics';
import { checkBatchSize, streamFor, type Task, type TaskMetric } from './task';

export const REBER_SYMBOLS = ['B', 'T', 'P', 'S', 'X', 'V', 'E'] as const;
const [B_, T_, P_, S_, X_, V_, E_] = [0, 1, 2, 3, 4, 5, 6];

/** The inner Reber automaton: state → [symbol, next state] for its two choices (state 6 ends with E). */
const REBER_EDGES: Record<number, [number, number][]> = {
  1: [[T_, 2], [P_, 3]],
  2: [[S_, 2], [X_, 4]],
  3: [[T_, 3], [V_, 5]],
  4: [[X_, 3], [S_, 6]],
  5: [[P_, 4], [V_, 6]],
};

/** One embedded Reber string as symbol indices. */
export function embeddedReberString(rng: Rng): number[] {
  const branch = rng.int(2) === 0 ? T_ : P_;
  const out = [B_, branch, B_];
  let state = 1;
  while (state !== 6) {
    const [symbol, next] = REBER_EDGES[state][rng.int(2)];
    out.push(symbol);
    state = next;
  }
  out.push(E_, branch, E_);
  return out;
}

/**
 * For a stream of embedded strings that starts at a string's start, the set of symbols that may
 * follow each position (bit k set = symbol k is valid), and whether the next symbol is the
 * long-range one (the repeated T/P). Throws on a stream that breaks the grammar.
 */
export function reberSuccessors(stream: ArrayLike<number>): { valid: Uint8Array; penultimate: Uint8Array } {
  const n = stream.length;
  const valid = new Uint8Array(n);
  const penultimate = new Uint8Array(n);
  // Phases of the embedded string; inner Reber states are 1..6.
  type Phase = 'start' | 'branch' | 'innerStart' | 'inner' | 'repeat' | 'end';
  let phase: Phase = 'start';
  let branch = -1;
  let state = 0;
  const bit = (s: number) => 1 << s;
  for (let i = 0; i < n; i++) {
    const s = stream[i];
    const fail = () => new Error(`symbol ${REBER_SYMBOLS[s] ?? s} at position ${i} breaks the embedded Reber grammar`);
    switch (phase) {
      case 'start':
        if (s !== B_) throw fail();
        phase = 'branch';
        break;
      case 'branch':
        if (s !== T_ && s !== P_) throw fail();
        branch = s;
        phase = 'innerStart';
        break;
      case 'innerStart':
        if (s !== B_) throw fail();
        phase = 'inner';
        state = 1;
        break;
      case 'inner':
        if (state === 6) {
          if (s !== E_) throw fail();
          phase = 'repeat';
        } else {
          const edge = REBER_EDGES[state].find(([symbol]) => symbol === s);
          if (!edge) throw fail();
          state = edge[1];
        }
        break;
      case 'repeat':
        if (s !== branch) throw fail();
        phase = 'end';
        break;
      case 'end':
        if (s !== E_) throw fail();
        phase = 'start';
        break;
    }
    // What may come next, given the phase we are now in.
    if (phase === 'start' || phase === 'innerStart') valid[i] = bit(B_);
    else if (phase === 'branch') valid[i] = bit(T_) | bit(P_);
    else if (phase === 'inner') valid[i] = state === 6 ? bit(E_) : REBER_EDGES[state].reduce((m, [symbol]) => m | bit(symbol), 0);
    else if (phase === 'repeat') {
      valid[i] = bit(branch);
      penultimate[i] = 1;
    } else valid[i] = bit(E_);
  }
  return { valid, penultimate };
}

export class ReberTask implements Task {
  readonly name = 'reber';
  readonly inputSize = REBER_SYMBOLS.length;
  readonly outputSize = REBER_SYMBOLS.length;
  readonly loss = 'xent';
  readonly lossSteps = 'all';

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('embedded Reber grammar', B, T, 10);
    const r = streamFor(split, rng);
    const V = REBER_SYMBOLS.length;
    const x = new Float32Array(T * B * V); // (T, B, 7) one-hot of the current symbol
    const labels = new Int32Array(T * B); // (T, B): the next symbol
    for (let b = 0; b < B; b++) {
      const stream: number[] = [];
      while (stream.length < T + 1) stream.push(...embeddedReberString(r));
      for (let t = 0; t < T; t++) {
        x[(t * B + b) * V + stream[t]] = 1;
        labels[t * B + b] = stream[t + 1];
      }
    }
    return { T, B, X: V, x, labels, loss: 'xent', lossSteps: 'all' };
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'accuracy on the penultimate symbol', value: reberScores(outputs, batch).penultimate, chance: 0.5, higherIsBetter: true };
  }
}

/**
 * validStep: fraction of all steps whose top prediction is a valid successor.
 * penultimate: fraction of the long-range steps (predicting the repeated T/P) that are right; NaN if
 * the batch holds none (T shorter than every string in it).
 */
export function reberScores(outputs: Float32Array, batch: Batch): { validStep: number; penultimate: number } {
  const V = REBER_SYMBOLS.length;
  checkOutputs(outputs, batch, V);
  let validHits = 0;
  let longHits = 0;
  let longCount = 0;
  for (let b = 0; b < batch.B; b++) {
    const stream = new Int32Array(batch.T);
    for (let t = 0; t < batch.T; t++) stream[t] = argmax(batch.x, (t * batch.B + b) * V, V);
    const { valid, penultimate } = reberSuccessors(stream);
    for (let t = 0; t < batch.T; t++) {
      const guess = argmax(outputs, (t * batch.B + b) * V, V);
      if (valid[t] & (1 << guess)) validHits++;
      if (penultimate[t]) {
        longCount++;
        if (guess === batch.labels![t * batch.B + b]) longHits++;
      }
    }
  }
  return { validStep: validHits / (batch.T * batch.B), penultimate: longCount > 0 ? longHits / longCount : NaN };
}
