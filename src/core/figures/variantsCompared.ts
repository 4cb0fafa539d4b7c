// The LSTM variants compared (Greff et al. 2017, "LSTM: a search space odyssey"): the vanilla LSTM V (with
// peepholes) against variants that each change one thing, k seeds each, on a task that needs forgetting (the
// Greff lesson's continual Reber stream, never reset). Every run trains the full budget; per variant the box of its
// final validation losses over the seeds, our ranking by median, the paper's verdict beside ours, and whether the
// two agree. One sweep (core/inspect/sweep.ts) with a single value of T and one contestant per variant.
import { defaultConfig, type Config } from '../config';
import type { LstmVariant } from '../cells/lstmVariants';
import { greff } from '../lessons/greff';
import { sweepFigureProblem, type SweepPlan, type SweepResult } from '../inspect/sweep';
import { createTask } from '../tasks';
import type { FigureVerdict } from './verdict';

/** Greff et al.'s nine: V and the eight one-change variants (NP is V without peepholes: PyTorch's nn.LSTM). */
export const GREFF_VARIANTS = ['vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'] as const satisfies readonly LstmVariant[];
export type GreffVariant = (typeof GREFF_VARIANTS)[number];
/** The reference every verdict compares with. */
export const REFERENCE_VARIANT = 'vanilla' satisfies GreffVariant;

export const MIN_VARIANT_SEEDS = 2;
export const MAX_VARIANT_SEEDS = 20;
export const DEFAULT_VARIANT_SEEDS = 5;
export const DEFAULT_VARIANT_STEPS = 1000;

/** The short names the paper uses. */
export const VARIANT_NAMES: Record<GreffVariant, string> = {
  vanilla: 'V', nig: 'NIG', nfg: 'NFG', nog: 'NOG', niaf: 'NIAF', noaf: 'NOAF', np: 'NP', cifg: 'CIFG', fgr: 'FGR',
};
export const VARIANT_CHANGES: Record<GreffVariant, string> = {
  vanilla: 'the vanilla LSTM with peepholes',
  nig: 'no input gate',
  nfg: 'no forget gate',
  nog: 'no output gate',
  niaf: 'no input activation function',
  noaf: 'no output activation function',
  np: 'no peepholes',
  cifg: 'coupled input and forget gate',
  fgr: 'full gate recurrence',
};

/**
 * What the paper found for each variant against V, over its three datasets (speech, handwriting, music):
 * NFG and NOAF hurt most; NIG, NOG and NIAF hurt significantly on some datasets but not all; CIFG and NP did not
 * hurt significantly, and FGR did not help (while adding many weights). None improved significantly on V.
 */
export type PaperVerdict = 'reference' | 'worse' | 'worse on some datasets' | 'no significant difference';
export const PAPER_VERDICTS: Record<GreffVariant, PaperVerdict> = {
  vanilla: 'reference',
  nig: 'worse on some datasets',
  nfg: 'worse',
  nog: 'worse on some datasets',
  niaf: 'worse on some datasets',
  noaf: 'worse',
  np: 'no significant difference',
  cifg: 'no significant difference',
  fgr: 'no significant difference',
};

/**
 * The runs' settings: the Greff lesson's (the continual Reber stream, T 25, B 16, H 16, Adam lr 0.01, clip norm 1)
 * over the defaults, the page's engine and seed. Measured (CPU engine through runSweep, seeds 1–5, 1,000 steps, 6.8 s
 * a run), the final validation loss: V 0.407–0.422, NFG 0.53–1.80, NOAF 0.80–9.1 with one of five diverged, the other
 * six 0.406–0.422 (tests/unit/figure-variants.test.ts asserts seeds 1–3 of V, NFG, NOAF and CIFG).
 */
export function variantsConfig(page: Pick<Config, 'engine' | 'seed'>): Config {
  return { ...defaultConfig(), ...greff.config, variant: REFERENCE_VARIANT, engine: page.engine, seed: page.seed };
}

export interface VariantsSettings {
  variants: readonly GreffVariant[]; // V is always run (the reference); the order is the paper's
  seeds: number; // runs per variant, seeds config.seed, config.seed + 1, …
  steps: number; // every run trains all of them
}

/**
 * The sweep of the figure: V first, then the chosen variants in the paper's order; per seed every variant in turn.
 * Throws, naming the limit, when the plan is over the figures' budget (sweepFigureProblem).
 */
export function variantsPlan(config: Config, settings: VariantsSettings): SweepPlan {
  const { seeds, steps } = settings;
  const variants = GREFF_VARIANTS.filter((v) => v === REFERENCE_VARIANT || settings.variants.includes(v));
  if (variants.length < 2) throw new Error(`the figure needs at least one variant beside ${VARIANT_NAMES[REFERENCE_VARIANT]}`);
  if (!(Number.isInteger(seeds) && seeds >= MIN_VARIANT_SEEDS && seeds <= MAX_VARIANT_SEEDS)) throw new Error(`the figure needs ${MIN_VARIANT_SEEDS}–${MAX_VARIANT_SEEDS} seeds per variant, got ${seeds}`);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`the figure needs a whole number of steps ≥ 1, got ${steps}`);
  const plan: SweepPlan = {
    base: config,
    setting: 'T',
    values: [config.T],
    contestants: variants.map((variant) => ({ cell: 'lstm', variant })),
    steps,
    order: 'value',
    seeds,
  };
  const problem = sweepFigureProblem(plan, (c) => createTask(c), 'variants, seeds or steps');
  if (problem) throw new Error(`Not started: ${problem}.`);
  return plan;
}

/**
 * Quantile p of ascending `sorted` (linear between order statistics). +∞ entries (diverged runs) sort last, and any
 * quantile that reaches toward one is +∞: of two runs, one diverged, the median is +∞.
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const frac = at - lo;
  if (frac === 0 || lo + 1 >= sorted.length) return sorted[lo];
  const [a, b] = [sorted[lo], sorted[lo + 1]];
  return b === Infinity ? Infinity : a + (b - a) * frac;
}

export interface BoxStats {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** The five numbers of `values` (NaN when empty). */
export function boxStats(values: readonly number[]): BoxStats {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75), max: s.at(-1) ?? NaN };
}

export interface VariantRun {
  seed: number;
  valLoss: number; // final validation loss; NaN if diverged
  trainLoss: number; // mean training loss over the run's last tenth; NaN if diverged
  accuracy: number; // on the repeated (second-to-last) symbol; NaN if diverged
  diverged: string | null;
}

/** Ours against V: the middle halves (q1–q3) of the two lie apart, or overlap. */
export type OurVerdict = 'pending' | 'reference' | 'worse' | 'about the same' | 'better';
export type Agreement = 'pending' | 'reference' | 'agrees' | 'in part' | 'disagrees';

export interface VariantBox {
  variant: GreffVariant;
  name: string; // the paper's short name
  label: string;
  runs: VariantRun[]; // finished runs, in seed order
  box: BoxStats | null; // of the final validation losses of the runs that did not diverge
  divergedSeeds: number[];
  /** Quartiles with every diverged run counted as worse than all finished ones (+∞): what ranks and judges. */
  ranked: BoxStats;
  rank: number; // 1 = lowest ranked median; 0 before any run
  paper: PaperVerdict;
  ours: OurVerdict;
  agreement: Agreement;
}

/** The fewest finished runs, of a variant and of V, before a verdict is given. */
export const MIN_RUNS_FOR_VERDICT = 2;

export function ourVerdict(box: Pick<VariantBox, 'ranked' | 'runs'>, reference: Pick<VariantBox, 'ranked' | 'runs'>): Exclude<OurVerdict, 'reference'> {
  if (box.runs.length < MIN_RUNS_FOR_VERDICT || reference.runs.length < MIN_RUNS_FOR_VERDICT) return 'pending';
  if (box.ranked.q1 > reference.ranked.q3) return 'worse';
  if (box.ranked.q3 < reference.ranked.q1) return 'better';
  return 'about the same';
}

export function agreement(paper: PaperVerdict, ours: OurVerdict): Agreement {
  if (paper === 'reference' || ours === 'reference') return 'reference';
  if (ours === 'pending') return 'pending';
  if (paper === 'worse') return ours === 'worse' ? 'agrees' : 'disagrees';
  if (paper === 'no significant difference') return ours === 'about the same' ? 'agrees' : 'disagrees';
  // worse on some datasets: worse here is one of those; about the same fits the datasets where it did not hurt
  return ours === 'worse' ? 'agrees' : ours === 'about the same' ? 'in part' : 'disagrees';
}

/** Per variant of a (partial) sweep of the plan: its runs, its box, our ranking and verdict, the paper's. */
export function variantsSummary(result: SweepResult, plan: Pick<SweepPlan, 'base'>): VariantBox[] {
  const boxes = result.curves.map((curve) => {
    const variant = curve.contestant.variant as GreffVariant;
    // one value of T: a variant's points are its seeds in order
    const runs: VariantRun[] = curve.points.map((p, i) => ({ seed: plan.base.seed + i, valLoss: p.valLoss, trainLoss: p.finalLoss, accuracy: p.metric, diverged: p.diverged }));
    const finished = runs.filter((r) => r.diverged === null && Number.isFinite(r.valLoss));
    return {
      variant,
      name: VARIANT_NAMES[variant] ?? variant.toUpperCase(),
      label: curve.label,
      runs,
      box: finished.length ? boxStats(finished.map((r) => r.valLoss)) : null,
      divergedSeeds: runs.filter((r) => !finished.includes(r)).map((r) => r.seed),
      ranked: boxStats(runs.map((r) => (finished.includes(r) ? r.valLoss : Infinity))),
      rank: 0,
      paper: PAPER_VERDICTS[variant] ?? 'no significant difference',
      ours: 'pending' as OurVerdict,
      agreement: 'pending' as Agreement,
    };
  });
  const ranked = boxes.filter((b) => b.runs.length > 0).sort((a, b) => a.ranked.median - b.ranked.median || a.ranked.q3 - b.ranked.q3);
  ranked.forEach((b, i) => (b.rank = i + 1));
  const reference = boxes.find((b) => b.variant === REFERENCE_VARIANT);
  for (const b of boxes) {
    b.ours = b.variant === REFERENCE_VARIANT ? 'reference' : reference ? ourVerdict(b, reference) : 'pending';
    b.agreement = agreement(b.paper, b.ours);
  }
  return boxes;
}

/**
 * Our runs in a sentence (the live verdict: 'agrees' when every variant judged so far agrees with the paper, or in
 * part; 'differs' when one does not): which variants came out worse, about the same or better than V, and how often that agrees with the paper. */
export function variantsVerdict(boxes: readonly VariantBox[]): FigureVerdict {
  const judged = boxes.filter((b) => b.ours !== 'pending' && b.ours !== 'reference');
  if (judged.length === 0) return { status: 'pending', text: `Not yet: each variant and V need ${MIN_RUNS_FOR_VERDICT} finished runs.` };
  const names = (ours: OurVerdict) => judged.filter((b) => b.ours === ours).map((b) => b.name);
  const group = (ours: OurVerdict, words: string) => {
    const n = names(ours);
    return n.length ? `${words} ${n.join(', ')}` : null;
  };
  const parts = [group('worse', 'worse than V:'), group('about the same', 'about the same as V:'), group('better', 'better than V:')].filter((p) => p !== null);
  const agrees = judged.filter((b) => b.agreement === 'agrees').length;
  const inPart = judged.filter((b) => b.agreement === 'in part').length;
  const disagrees = judged.filter((b) => b.agreement === 'disagrees').map((b) => b.name);
  const tally = `agrees with the paper on ${agrees} of ${judged.length}${inPart ? `, in part on ${inPart}` : ''}${disagrees.length ? `, not on ${disagrees.join(', ')}` : ''}`;
  return {
    status: disagrees.length ? 'differs' : 'agrees',
    text: `In our runs (final validation loss; worse or better when the middle halves of the seeds do not overlap): ${parts.join('; ')}. That ${tally}.`,
  };
}
