// A lesson is a named Config plus a card (a question for the class, what to look at, the papers) and a claim:
// a pure function of the run's evidence that returns a verdict in words. The page shows the verdict live; the
// tests run each lesson on the CPU engine within its step budget and assert it (tests/unit/lessons.test.ts).
import type { Config } from '../config';
import type { Contestant } from '../inspect/race';
import type { Evidence } from './evidence';

/** The charts a card can point at; the page highlights them while the lesson is open. */
export type ChartId = 'wrec' | 'gradient-flow' | 'heatmap' | 'loss' | 'grad-norm' | 'sigma' | 'task' | 'inside' | 'lab';

export interface Paper {
  cite: string; // "Bengio, Simard & Frasconi 1994"
  title: string;
  url: string;
}

/** holds: the card's claim is true of this run now; pending: not yet (training has to get there); contradicted. */
export type VerdictStatus = 'holds' | 'pending' | 'contradicted';

export interface Verdict {
  status: VerdictStatus;
  text: string; // one sentence, with the measured numbers
}

export interface Lesson {
  id: string; // the `lesson=` (or `preset=`) value in a link
  title: string;
  /** The lesson's settings over the defaults. */
  config: Partial<Config>;
  /** Asked before pressing play. */
  question: string;
  /** What to look at, and the charts the page highlights. */
  lookAt: { charts: ChartId[]; text: string };
  /** What the class should take away (two or three sentences; no claim the verdict does not check). */
  explanation: string;
  tryThis: string;
  papers: Paper[];
  /**
   * The class-time step budget: within this many steps of the lesson's own seed the claim holds (measured by
   * `npx --no-install rnnlab lessons`, asserted by tests/unit/lessons.test.ts for several seeds).
   */
  budget: number;
  /**
   * The page's training pace for this lesson (steps per second; absent: as fast as the engine goes): a lesson
   * meant to be watched step by step sets one, so "20 s of training" is the same on every machine.
   */
  stepsPerSecond?: number;
  /** Metric values whose first crossing the evidence records (e.g. "steps to reach 0.01"). */
  targets?: number[];
  claim(evidence: Evidence): Verdict;
  /** A race the lab offers on this lesson (same data and seed). */
  race?: Contestant[];
}
