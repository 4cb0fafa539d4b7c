// View logic of the "inside the cell" views, and every view rendered to HTML from real computations
// (a CPU-engine forward pass, gate statistics, connectivity, a tiny race and sweep).
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { connectivity, connectivityMatrix } from '../../src/core/inspect/connectivity';
import { gateNotes, gateStatistics } from '../../src/core/inspect/gates';
import { runRace, type MakeTrainer, type RaceResult } from '../../src/core/inspect/race';
import { runSweep } from '../../src/core/inspect/sweep';
import { rankUnits, textFeatures, textProbe } from '../../src/core/inspect/units';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import { CharTask } from '../../src/core/tasks/text';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';
import { cellStepValues, paintValue } from '../../src/ui/inside/cellDiagram';
import { CellDiagram } from '../../src/ui/inside/CellDiagram';
import { ConnectivityChart } from '../../src/ui/inside/ConnectivityChart';
import { GateHistograms } from '../../src/ui/inside/GateHistograms';
import { RaceSetup, RaceView } from '../../src/ui/inside/RaceView';
import { SweepSetup, SweepView } from '../../src/ui/inside/SweepView';
import { UnitText } from '../../src/ui/inside/UnitText';
import { InsidePanel } from '../../src/ui/inside/InsidePanel';
import { LabPanel } from '../../src/ui/inside/LabPanel';
import { inspectSnapshot } from '../../src/core/inspect/snapshot';
import { activationColors, followUpRequest, histogramBars, memorySpan, percent, raceRows, sweepRows, visibleChar } from '../../src/ui/inside/views';
import { parseColor } from '../../src/ui/colormap';

/** Server-rendered HTML without React's text separators. */
const render = (el: Parameters<typeof renderToString>[0]) => renderToString(el).replace(/<!-- -->/g, '');
const makeTrainer: MakeTrainer = (config, task) => Trainer.create(new CpuEngine(), config, task, { valEvery: 2, valBatchSize: 8 });
const base: Config = { ...defaultConfig(), task: 'adding', T: 5, B: 4, H: 4 };

describe('view logic', () => {
  test('histogram bars: the tallest bin fills the box, zones follow the thresholds', () => {
    const [i] = gateStatistics({ cell: 'gru', gates: Float32Array.from([0.05, 0.05, 0.5, 0.95, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]), T: 1, B: 1, H: 4, bins: 10 });
    const bars = histogramBars(i, 100, 50);
    expect(bars).toHaveLength(10);
    expect(Math.max(...bars.map((b) => b.height))).toBe(50);
    expect(bars[0].zone).toBe('low');
    expect(bars[5].zone).toBe('mid');
    expect(bars[9].zone).toBe('high');
    expect(bars[0].fraction).toBeCloseTo(0.5);
    expect(percent(0.123)).toBe('12%');
    expect(percent(0.0123)).toBe('1.2%');
    expect(percent(0.0001)).toBe('<0.1%');
  });

  test('text colours: positive blue, negative red, zero near white; special characters visible', () => {
    const [r1, , b1] = parseColor(activationColors(1, 1).background);
    const [r2, , b2] = parseColor(activationColors(-1, 1).background);
    expect(b1).toBeGreaterThan(r1);
    expect(r2).toBeGreaterThan(b2);
    expect(parseColor(activationColors(0, 1).background).every((c) => c > 230)).toBe(true);
    expect(visibleChar('\n')).toBe('↵');
    // the cell diagram: positive orange, negative purple
    const [ro, , bo] = parseColor(paintValue(1, 'signed').fill);
    expect(ro).toBeGreaterThan(bo);
  });

  test('memory span: how many steps back the connectivity stays above 1% of its peak', () => {
    expect(memorySpan([1e-5, 1e-3, 0.02, 1])).toBe(1);
    expect(memorySpan([0.5, 0.6, 1])).toBe(2);
    expect(memorySpan([0, 0])).toBe(0);
  });

  test('race rows are aligned, thinned to a bound and keep the newest step', () => {
    const result: RaceResult = {
      steps: 1000,
      engine: 'CPU (reference engine, float64)',
      cancelled: false,
      budget: 1000,
      target: null,
      higherIsBetter: false,
      series: [0, 1].map((k) => ({
        contestant: { cell: 'gru', variant: 'none' },
        label: `m${k}`,
        loss: Array.from({ length: 1000 }, (_, i) => (k === 1 && i > 500 ? NaN : 1 / (i + 1))),
        gradNorm: [],
        reach: [],
        valLoss: [],
        metric: [],
        metricName: null,
        profile: null,
        profileC: null,
        diverged: null,
        reachedAt: null,
      })),
    };
    const rows = raceRows(result, 'loss', true, 100);
    expect(rows.length).toBeLessThanOrEqual(101);
    expect(rows.at(-1)!.step).toBe(1000);
    expect(rows[0].s0).toBe(1);
    expect(rows.at(-1)!.s1).toBeNull();
  });
});

test('sweep rows: one per value, a gap where a run diverged or never ran', () => {
  const point = (value: number, metric: number, diverged: string | null = null) => ({ value, finalLoss: metric, valLoss: metric, metric, chance: 0.25, gap: 0, solved: false, diverged, steps: 5 });
  const rows = sweepRows(
    {
      setting: 'wrec',
      engine: null,
      metricName: 'MSE',
      higherIsBetter: false,
      cancelled: true,
      curves: [
        { contestant: { cell: 'rnn_tanh', variant: 'none' }, label: 'RNN', points: [point(0.5, 0.2), point(2, NaN, 'diverged at step 3')] },
        { contestant: { cell: 'gru', variant: 'none' }, label: 'GRU', points: [point(0.5, 0.1)] },
      ],
    },
    'metric',
  );
  expect(rows).toEqual([
    { value: 0.5, c0: 0.2, c1: 0.1 },
    { value: 2, c0: null, c1: null },
  ]);
});

describe('views render from real computations', () => {
  test('gate histograms, cell diagram, unit text and connectivity from one char-LM forward pass', async () => {
    const text = 'f(a, "b c") + [d];\n'.repeat(20);
    const task = new CharTask(text, 12);
    const probe = textProbe(task, 30);
    const H = 6;
    const spec = makeSpec({ cell: 'lstm', inputSize: task.inputSize, hiddenSize: H, outputSize: task.outputSize });
    const rng = new Rng(2);
    const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5));
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const fwd = await engine.forward(probe.batch);
    const T = probe.batch.T;

    const stats = gateStatistics({ cell: 'lstm', gates: fwd.gates![0], T, B: 1, H });
    const gatesHtml = render(createElement(GateHistograms, { stats, notes: gateNotes('lstm', 'none'), caption: 'layer 0' }));
    expect(gatesHtml).toContain('forget gate');
    expect((gatesHtml.match(/data-gate=/g) ?? []).length).toBe(4);

    const values = cellStepValues(fwd, { cell: 'lstm', T, B: 1, H, unit: 2 });
    const cellHtml = render(createElement(CellDiagram, { cell: 'lstm', values, step: 3, onStep: () => {}, inputLabels: probe.chars }));
    expect(cellHtml).toContain('t = 3 / 29');
    for (const gate of ['forget f', 'input i', 'candidate g', 'output o']) expect(cellHtml).toContain(gate);

    const rankings = rankUnits(fwd.hidden[0], T, 1, H, textFeatures(probe.chars), 3);
    const unitHtml = render(createElement(UnitText, { chars: probe.chars, states: fwd.hidden[0], B: 1, H, rankings, stateName: 'hidden h' }));
    expect((unitHtml.match(/class="ch"/g) ?? []).length).toBe(T);
    expect(unitHtml).toContain('inside a string');
    expect(unitHtml).not.toContain('data-testid="probe-passage"'); // no passages given: no picker
    // with passages to choose from: a labelled picker naming each, the one shown selected
    const passages = [
      { start: task.split, length: 30, label: 'passage 1: “f(a, …”' },
      { start: task.split + 38, length: 30, label: 'passage 2: “f(a, …”' },
    ];
    const picked = render(createElement(UnitText, { chars: probe.chars, states: fwd.hidden[0], B: 1, H, rankings, stateName: 'hidden h', passages, start: passages[1].start, onPickPassage: () => {} }));
    expect(picked).toMatch(/<label>passage of the validation text <select[^>]*data-testid="probe-passage"/);
    expect(picked).toContain(`<option value="${passages[1].start}" selected="">passage 2`);
    expect(picked).toContain(`30 characters from character ${passages[1].start}`);
    expect(picked).toContain('does not vary in this passage'); // no comment in this text

    const conn = await connectivity(spec, params, probe.batch, 9);
    const matrix = await connectivityMatrix((...a) => engine.inputGradientNorms(...a), spec, params, { ...probe.batch, T: 10, x: probe.batch.x.subarray(0, 10 * task.inputSize) });
    const connHtml = render(createElement(ConnectivityChart, { values: conn.mean, t: 9, T, onPickT: () => {}, matrix }));
    expect(connHtml).toContain('what output 9 still sees');
  });

  test('GRU diagram, race and sweep views', async () => {
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 });
    const engine = new CpuEngine();
    const rng = new Rng(1);
    await engine.init(spec, new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5)));
    const fwd = await engine.forward({ T: 4, B: 1, X: 2, x: new Float32Array(8).fill(0.5), y: new Float32Array(4), loss: 'mse', lossSteps: 'all' });
    const gruHtml = render(createElement(CellDiagram, { cell: 'gru', values: cellStepValues(fwd, { cell: 'gru', T: 4, B: 1, H: 3, unit: 1 }), step: 0, onStep: () => {} }));
    expect(gruHtml).toContain('update z');

    const race = await runRace(base, [{ cell: 'rnn_tanh', variant: 'none' }, { cell: 'lstm', variant: 'none' }], createTask(base), 3, makeTrainer);
    const raceHtml = render(createElement(RaceView, { result: race, running: false, stepsPlanned: 3, shareUrl: 'http://x/?race=rnn_tanh,lstm' }));
    expect(raceHtml).toContain('data-steps="3"');
    expect(raceHtml).toContain('LSTM');
    expect(render(createElement(RaceSetup, { initial: [], onStart: () => {} }))).toContain('Start race');

    const sweep = await runSweep({ base, setting: 'lr', values: [0.001, 0.01], contestants: [{ cell: 'gru', variant: 'none' }], steps: 2 }, (c) => createTask(c), makeTrainer);
    const rows = sweepRows(sweep, 'finalLoss');
    expect(rows.map((r) => r.value)).toEqual([0.001, 0.01]);
    expect(rows.every((r) => typeof r.c0 === 'number' && r.c0 > 0)).toBe(true);
    const sweepHtml = render(createElement(SweepView, { result: sweep, progress: { runsDone: 2, runsTotal: 2, fraction: 1, current: null }, running: false }));
    expect(sweepHtml).toContain('learning rate');
    expect(render(createElement(SweepSetup, { onStart: () => {} }))).toContain('Start sweep');
  });

  test('the inside panel lays out every view of one snapshot', async () => {
    const text = 'call(x, "y z") [1];\n'.repeat(15);
    const task = new CharTask(text, 12);
    const spec = makeSpec({ cell: 'gru', inputSize: task.inputSize, hiddenSize: 5, outputSize: task.outputSize, numLayers: 2 });
    const rng = new Rng(9);
    const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5));
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const snap = await inspectSnapshot(spec, task, engine, params, task.batch('val', 1, 12, new Rng(1)), { layer: 1, unit: 2, textLength: 30, window: 12 });
    const html = render(createElement(InsidePanel, { snapshot: snap, step: 42, onRequest: () => {} }));
    expect(followUpRequest(snap, { unit: 4 })).toEqual({ layer: 1, unit: 4, t: 11, window: 12, matrix: false, textLength: 30, textStart: snap.text!.start });
    expect(html).toContain('GRU cell, drawn');
    expect(html).toContain('layer 1 · unit 2 · step 42');
    expect(html).toContain('data-testid="gate-histograms"');
    expect(html).toContain('data-testid="unit-text"');
    expect(html).toContain('what output 11 still sees');
    expect(html).toContain('step 42 · computed on the CPU');
    expect(render(createElement(InsidePanel, { snapshot: null, onRequest: () => {} }))).toContain('No inspection yet');
  });

  test('the lab panel renders its forms and creates no worker until a job starts', () => {
    let created = 0;
    const html = render(
      createElement(LabPanel, {
        config: base,
        createWorker: () => {
          created++;
          throw new Error('no worker in a server render');
        },
      }),
    );
    expect(html).toContain('Start race');
    expect(html).toContain('Start sweep');
    expect(created).toBe(0);
  });
});
