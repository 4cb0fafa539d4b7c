// The long-lag table (core/figures/longLagTable.ts): the paper's numbers as printed, the rows on hand-made sweeps,
// the verdict, and on the CPU engine with fixed seeds what the table shows a class: the LSTM solves temporal order at
// T = 100 in every run while the tanh RNN, which solves it at T = 25, solves it in none.
import { describe, expect, test } from 'vitest';
import { DEFAULT_LONG_LAGS, longLagConfig, longLagPlan, longLagRows, longLagVerdict, PAPER_TABLES } from '../../src/core/figures/longLagTable';
import { successSummary, SUCCESS_SETTINGS, type SuccessCurve } from '../../src/core/figures/successVsLength';
import type { MakeTrainer } from '../../src/core/inspect/race';
import { runSweep } from '../../src/core/inspect/sweep';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';

const cpuTrainer: MakeTrainer = (config, task) => Trainer.create(new CpuEngine(), config, task);

describe("the paper's tables", () => {
  test('Table 7 (adding) and Table 9 (temporal order 6a), as printed', () => {
    expect(PAPER_TABLES.adding).toMatchObject({ table: 7, trials: 10, rows: [{ T: 100, minimalLag: 50, sequences: 74_000 }, { T: 500, minimalLag: 250, sequences: 209_000 }, { T: 1000, minimalLag: 500, sequences: 853_000 }] });
    expect(PAPER_TABLES.temporal_order).toMatchObject({ table: 9, trials: 20, rows: [{ T: 100, minimalLag: 40, sequences: 31_390 }] });
    // the default lags reach the paper's shortest row
    for (const task of ['adding', 'temporal_order'] as const) expect(DEFAULT_LONG_LAGS[task]).toContain(PAPER_TABLES[task].rows[0].T);
  });

  test("the runs are the success figure's, on the chosen task, with the page's engine and seed", () => {
    expect(longLagConfig({ engine: 'cpu', seed: 4 }, 'temporal_order')).toMatchObject({ ...SUCCESS_SETTINGS, task: 'temporal_order', engine: 'cpu', seed: 4 });
    const plan = longLagPlan({ engine: 'cpu', seed: 4 }, 'adding', { cells: ['lstm'], lags: [100, 25], seeds: 3, steps: 500 });
    expect(plan).toMatchObject({ setting: 'T', values: [25, 100], seeds: 3, steps: 500 });
    expect(plan.base.task).toBe('adding');
  });
});

describe('the rows and the verdict', () => {
  const curve = (cell: SuccessCurve['cell'], label: string, points: [number, number, number[]][]): SuccessCurve => ({
    cell,
    label,
    points: points.map(([T, runs, stepsToSolve]) => ({ T, runs, solved: stepsToSolve.length, fraction: runs ? stepsToSolve.length / runs : NaN, stepsToSolve, diverged: 0 })),
  });
  const curves = [curve('rnn_tanh', 'RNN (tanh)', [[25, 2, [100]], [100, 2, []]]), curve('lstm', 'LSTM', [[25, 2, [100, 200]], [100, 2, [300, 500]]])];

  test("a row per T of the runs and of the paper's table; means over the solved runs; steps × B as sequences", () => {
    const rows = longLagRows(curves, PAPER_TABLES.adding, 16);
    expect(rows.map((r) => r.T)).toEqual([25, 100, 500, 1000]);
    expect(rows[0].paper).toBeNull();
    expect(rows[1].paper?.sequences).toBe(74_000);
    expect(rows[1].entries).toEqual([
      { cell: 'rnn_tanh', label: 'RNN (tanh)', runs: 2, solved: 0, stepsToSolve: [], meanSteps: null, meanSequences: null },
      { cell: 'lstm', label: 'LSTM', runs: 2, solved: 2, stepsToSolve: [300, 500], meanSteps: 400, meanSequences: 6400 },
    ]);
    expect(rows[0].entries[0]).toMatchObject({ solved: 1, meanSteps: 100, meanSequences: 1600 });
    expect(rows[3].entries.map((e) => e.runs)).toEqual([0, 0]); // the paper's T = 1000: not run here
  });

  test('read at the longest T where the LSTM finished its runs: agrees at ≥ 0.8 solved, differs below, pending before', () => {
    const rows = longLagRows(curves, PAPER_TABLES.adding, 16);
    expect(longLagVerdict(rows, 2)).toEqual({ status: 'agrees', text: 'Agrees with the paper: at T = 100 the LSTM solved 2 of 2 runs (RNN (tanh) 0 of 2).' });
    const failing = [curve('lstm', 'LSTM', [[25, 2, [100, 200]], [100, 2, [300]]])];
    expect(longLagVerdict(longLagRows(failing, PAPER_TABLES.adding, 16), 2)).toMatchObject({ status: 'differs', text: expect.stringMatching(/at T = 100 the LSTM solved 1 of 2 runs; the paper's LSTM solved every trial/) });
    // the LSTM's runs at T = 100 not all finished: read at T = 25
    const partial = [curve('lstm', 'LSTM', [[25, 2, [100, 200]], [100, 1, []]])];
    expect(longLagVerdict(longLagRows(partial, PAPER_TABLES.adding, 16), 2).text).toBe("Agrees with the paper: at T = 25 the LSTM solved 2 of 2 runs; the paper's table starts at T = 100: add it to compare.");
    expect(longLagVerdict(longLagRows([curve('rnn_tanh', 'RNN (tanh)', [[25, 2, []]])], PAPER_TABLES.adding, 16), 2).status).toBe('pending');
  });
});

describe('Hochreiter & Schmidhuber 1997 on the CPU engine', () => {
  test('temporal order: the LSTM solves T = 100 in 5 of 5 runs, taking longer than at T = 25; the tanh RNN solves T = 25 and not T = 100', async () => {
    // Measured (seeds 1–5, up to 2,000 steps, H = 16, B = 16; the run stops once solved, so a 1,000-step budget ends
    // the same runs the same way): tanh RNN T = 25: 5 of 5 (50–525 steps), T = 50 and 100: 0 of 5; LSTM T = 25: 5 of 5
    // (75–100), T = 100: 5 of 5 (200–375); GRU T = 100: 1 of 5. The paper's LSTM needed 31,390 sequences (Table 9).
    const plan = longLagPlan({ engine: 'cpu', seed: 1 }, 'temporal_order', { cells: ['rnn_tanh', 'lstm'], lags: [25, 100], seeds: 5, steps: 1000 });
    const rows = longLagRows(successSummary(await runSweep(plan, (c) => createTask(c), cpuTrainer), plan.values), PAPER_TABLES.temporal_order, plan.base.B);
    const [at25, at100] = rows;
    expect(at100.paper?.sequences).toBe(31_390);
    const [rnn25, lstm25] = at25.entries;
    const [rnn100, lstm100] = at100.entries;
    expect(rnn25.solved, 'a short lag is within reach of the tanh RNN').toBeGreaterThanOrEqual(4);
    expect(rnn100).toMatchObject({ runs: 5, solved: 0 });
    expect(lstm100).toMatchObject({ runs: 5, solved: 5 });
    expect(lstm25.meanSteps!).toBeLessThan(lstm100.meanSteps!);
    expect(longLagVerdict(rows, 5)).toMatchObject({ status: 'agrees', text: 'Agrees with the paper: at T = 100 the LSTM solved 5 of 5 runs (RNN (tanh) 0 of 5).' });
  }, 180_000);
});

describe('a plan over the limit', () => {
  test('is refused before anything runs, naming the limit and what to lower; the default plans are within it', () => {
    const page = { engine: 'cpu', seed: 1 } as const;
    const cells = ['rnn_tanh', 'gru', 'lstm'] as const;
    // temporal order at T = 100, 500 and 1000, 5 seeds, 5,000 steps each: about 6e12 multiply-adds at the full budget
    expect(() => longLagPlan(page, 'temporal_order', { cells: [...cells], lags: [100, 500, 1000], seeds: 5, steps: 5000 })).toThrow(
      /^Not started: 45 runs of up to 5000 steps need up to about \d\.\de\+12 multiply-adds, over the figure's limit of 2e\+12: fewer or shorter lags, seeds, cells or steps\.$/,
    );
    for (const task of ['adding', 'temporal_order'] as const) expect(() => longLagPlan(page, task, { cells: [...cells], lags: DEFAULT_LONG_LAGS[task], seeds: 5, steps: 5000 })).not.toThrow();
    // the task's own limits are named too
    expect(() => longLagPlan(page, 'temporal_order', { cells: ['lstm'], lags: [2], seeds: 2, steps: 10 })).toThrow('temporal order needs T ≥ 4 (got 2)');
  });
});
