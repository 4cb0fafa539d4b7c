// The long-lag table's view logic (ui/figures/longLagView.ts): the cells' text, the log–log chart's geometry with the
// paper's points, the figure in words and the CSV.
import { describe, expect, test } from 'vitest';
import { longLagRows, PAPER_TABLES } from '../../src/core/figures/longLagTable';
import type { SuccessCurve } from '../../src/core/figures/successVsLength';
import { describeLongLag, entryText, longLagCsv, longLagGeometry } from '../../src/ui/figures/longLagView';

const curve = (cell: SuccessCurve['cell'], label: string, points: [number, number, number[]][]): SuccessCurve => ({
  cell,
  label,
  points: points.map(([T, runs, stepsToSolve]) => ({ T, runs, solved: stepsToSolve.length, fraction: runs ? stepsToSolve.length / runs : NaN, stepsToSolve, diverged: 0 })),
});
const rows = longLagRows([curve('rnn_tanh', 'RNN (tanh)', [[25, 2, [100]], [100, 2, []]]), curve('lstm', 'LSTM', [[25, 2, [100, 200]], [100, 2, [300, 500]]])], PAPER_TABLES.adding, 16);

describe('the long-lag view', () => {
  test("each table cell: runs solved, and the solved runs' mean steps and sequences", () => {
    expect(entryText(rows[1].entries[1])).toEqual({ solved: '2 of 2 solved', steps: '400 steps', sequences: '6\u2009400 sequences' });
    expect(entryText(rows[1].entries[0])).toEqual({ solved: '0 of 2 solved', steps: 'none solved', sequences: '' });
    expect(entryText(rows[2].entries[0])).toEqual({ solved: 'not run', steps: '', sequences: '' });
  });

  test("the chart: T and sequences on log axes, a dot per solved (cell, T), the paper's three rows as its own series", () => {
    const g = longLagGeometry(rows, PAPER_TABLES.adding, 400, 200);
    expect(g.xTicks.map((t) => t.T)).toEqual([25, 100, 500, 1000]);
    const xs = g.xTicks.map((t) => t.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs[0]).toBeGreaterThan(0);
    expect(xs.at(-1)!).toBeLessThan(400);
    const [rnn, lstm, paper] = g.series;
    expect(rnn.dots.map((d) => d.T)).toEqual([25]);
    expect(lstm.dots.map((d) => [d.T, d.sequences])).toEqual([[25, 2400], [100, 6400]]);
    expect(paper).toMatchObject({ key: 'paper', paper: true, label: 'LSTM in the paper (Table 7)' });
    expect(paper.dots.map((d) => d.sequences)).toEqual([74_000, 209_000, 853_000]);
    // more sequences sit higher; every dot inside the plot
    expect(paper.dots[0].y).toBeGreaterThan(paper.dots[2].y);
    for (const s of g.series) for (const d of s.dots) expect(d.y >= 0 && d.y <= 200).toBe(true);
    expect(g.yTicks.map((t) => t.value)).toEqual([1e3, 1e4, 1e5, 1e6]);
  });

  test('the figure in words and its CSV', () => {
    expect(describeLongLag(rows, PAPER_TABLES.adding)).toBe(
      'Training sequences needed to solve the task against T, ours beside Table 7 of the paper. ' +
        'T = 25: RNN (tanh) solved 1 of 2, 100 steps · 1\u2009600 sequences; LSTM solved 2 of 2, 150 steps · 2\u2009400 sequences. ' +
        "T = 100: RNN (tanh) solved 0 of 2; LSTM solved 2 of 2, 400 steps · 6\u2009400 sequences; the paper's LSTM 74\u2009000 sequences. " +
        "T = 500: the paper's LSTM 209\u2009000 sequences. T = 1000: the paper's LSTM 853\u2009000 sequences.",
    );
    expect(longLagCsv(rows, PAPER_TABLES.adding).trim().split('\n')).toEqual([
      'source,task,T,cell,runs,solved,mean_steps,mean_sequences,steps_to_solve',
      'this page,adding,25,rnn_tanh,2,1,100,1600,100',
      'this page,adding,25,lstm,2,2,150,2400,100 200',
      'this page,adding,100,rnn_tanh,2,0,,,',
      'this page,adding,100,lstm,2,2,400,6400,300 500',
      'Hochreiter & Schmidhuber 1997 Table 7,adding,100,lstm,10,10,,74000,',
      'Hochreiter & Schmidhuber 1997 Table 7,adding,500,lstm,10,10,,209000,',
      'Hochreiter & Schmidhuber 1997 Table 7,adding,1000,lstm,10,10,,853000,',
    ]);
  });
});
