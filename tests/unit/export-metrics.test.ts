// Metric files: CSV (wide and long) and JSON from real Trainer frames; round trips; blow-ups kept.
import { describe, expect, test } from 'vitest';
import { defaultConfig, encodeConfig } from '../../src/core/config';
import { metricsFromJson, metricsToCsv, metricsToJson, profileFromFrame, profilesToCsv, recordFromFrame, recordsFromSeries, type MetricRecord } from '../../src/core/export/metrics';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer, type MetricFrame } from '../../src/train/trainer';

async function frames(count: number, layers: number): Promise<MetricFrame[]> {
  const config = { ...defaultConfig(), task: 'adding' as const, T: 6, B: 4, H: 5, cell: 'lstm' as const, layers, clip: 'norm' as const, clipAt: 0.01 };
  const trainer = await Trainer.create(new CpuEngine(), config, createTask(config), { valEvery: 2, valBatchSize: 8 });
  const out: MetricFrame[] = [];
  for (let i = 0; i < count; i++) out.push(await trainer.stepOnce());
  trainer.dispose();
  return out;
}

describe('metrics CSV and JSON', () => {
  test('wide CSV from Trainer frames: one row per step, a column per layer, full precision', async () => {
    const fs = await frames(4, 2);
    const csv = metricsToCsv(fs.map(recordFromFrame));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('step,loss,val_loss,metric,grad_norm,clip_factor,penalty,lr,sigma_max_l0,sigma_max_l1,spectral_radius_l0,spectral_radius_l1');
    expect(lines).toHaveLength(5);
    const cells = lines.map((l) => l.split(','));
    cells.slice(1).forEach((row, i) => {
      const f = fs[i];
      expect(row).toHaveLength(12);
      expect(Number(row[0])).toBe(f.step);
      expect(Number(row[1])).toBe(f.loss); // String(number) round-trips exactly
      expect(row[2]).toBe(f.valLoss === null ? '' : String(f.valLoss));
      expect(Number(row[4])).toBe(f.gradNorm);
      expect(Number(row[5])).toBe(f.clipFactor);
      expect(Number(row[9])).toBe(f.sigmaMax[1]);
      expect(Number(row[11])).toBe(f.spectralRadius[1]);
    });
    expect(cells[2][2]).not.toBe(''); // validation ran at step 2
    expect(Number(cells[1][5])).toBeLessThan(1); // clipping at 0.01 changed the gradient
  });

  test('long CSV of ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖: step, layer, t', async () => {
    const fs = await frames(2, 2);
    const lines = profilesToCsv(fs.map(profileFromFrame)).trim().split('\n');
    expect(lines[0]).toBe('step,layer,t,dh_norm,dc_norm');
    expect(lines).toHaveLength(1 + 2 * 2 * 6); // 2 steps × 2 layers × T = 6
    const [step, layer, t, dh, dc] = lines[1 + 6 + 5].split(','); // step 1, layer 1, t = 5
    expect([Number(step), Number(layer), Number(t)]).toEqual([1, 1, 5]);
    expect(Number(dh)).toBe(fs[0].dhNorm[1][5]);
    expect(Number(dc)).toBe(fs[0].dcNorm![1][5]);
  });

  test('JSON round trip, with non-finite values kept as strings', async () => {
    const fs = await frames(3, 1);
    const records = fs.map(recordFromFrame);
    records[2] = { ...records[2], loss: Infinity, gradNorm: NaN };
    const text = metricsToJson(records, fs.map(profileFromFrame), encodeConfig(defaultConfig()));
    expect(text).toContain('"Infinity"');
    const back = metricsFromJson(text);
    expect(back.config).toBe('v=1');
    expect(back.records[2].loss).toBe(Infinity);
    expect(back.records[2].gradNorm).toBeNaN();
    expect(back.records[0]).toEqual({ ...records[0], sigmaMax: records[0].sigmaMax, metric: records[0].metric ?? null });
    expect(Array.from(back.profiles[1].dh[0])).toEqual(Array.from(fs[1].dhNorm[0]));
    expect(() => metricsFromJson('{"format":"other"}')).toThrow(/not an rnnlab metrics file/);
  });

  test('the page\'s decimated series merge into rows by step', () => {
    const records = recordsFromSeries({
      loss: [{ step: 2, value: 0.5 }, { step: 4, value: 0.25 }],
      valLoss: [{ step: 4, value: 0.3 }],
      gradNorm: [{ step: 2, value: 1 }, { step: 4, value: Infinity }],
      sigmaMax: [{ step: 4, value: 1.2 }],
    });
    expect(records.map((r: MetricRecord) => r.step)).toEqual([2, 4]);
    const csv = metricsToCsv(records).trim().split('\n');
    expect(csv[1]).toBe('2,0.5,,,1,,,,,');
    expect(csv[2]).toBe('4,0.25,0.3,,Infinity,,,,1.2,');
  });

  test('empty history gives a header only', () => {
    expect(metricsToCsv([])).toBe('step,loss,val_loss,metric,grad_norm,clip_factor,penalty,lr,sigma_max_l0,spectral_radius_l0\n');
    expect(profilesToCsv([])).toBe('step,layer,t,dh_norm,dc_norm\n');
  });
});
