// Pure parts of the export panel and run list: file names, the standalone SVG wrapper, store → metric files.
import { describe, expect, test } from 'vitest';
import { metricsToCsv } from '../../src/core/export/metrics';
import { fileSlug, isTransparent, runFileStem, standaloneSvg } from '../../src/ui/export/chartFiles';
import { formatBytes, formatWhen, metricsFromStore } from '../../src/ui/export/exportData';

describe('chart and run file names', () => {
  test('slugs are plain ASCII, short, and never empty', () => {
    expect(fileSlug('Gradient norm ‖∂L/∂h_t‖ (log)')).toBe('gradient-norm-l-h-t-log');
    expect(fileSlug('Spectrum of W_rec — σ_max')).toBe('spectrum-of-w-rec-max');
    expect(fileSlug('Épreuve à café')).toBe('epreuve-a-cafe');
    expect(fileSlug('∂∂∂')).toBe('chart');
    expect(fileSlug('x'.repeat(100))).toHaveLength(60);
    expect(runFileStem('temporal_order', 'lstm', 1234.7)).toBe('rnnlab-temporal-order-lstm-step1234');
  });
});

describe('standalone SVG', () => {
  test('adds the namespace, explicit size and viewBox, and a background behind the chart', () => {
    const markup = '<svg width="300" height="100" role="img" aria-label="loss"><path d="M0 0L1 1" stroke="#000"/></svg>';
    const doc = standaloneSvg(markup, 320.4, 120.6, 'rgb(255, 255, 255)');
    expect(doc.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="320" height="121" viewBox="0 0 320 121" role="img" aria-label="loss">')).toBe(true);
    expect(doc).toContain('<rect x="0" y="0" width="320" height="121" fill="rgb(255, 255, 255)"/><path d="M0 0L1 1" stroke="#000"/></svg>');
    expect(doc.match(/width=/g)).toHaveLength(2); // the old size went
    expect(() => standaloneSvg('<div></div>', 1, 1, 'white')).toThrow(/not an <svg>/);
  });

  test('transparent colours are recognised', () => {
    expect(isTransparent('rgba(0, 0, 0, 0)')).toBe(true);
    expect(isTransparent('transparent')).toBe(true);
    expect(isTransparent('rgba(10, 20, 30, 0.5)')).toBe(false);
    expect(isTransparent('rgb(255, 255, 255)')).toBe(false);
  });
});

describe('the page store as metric files', () => {
  test('series merge into rows; heatmap columns become bottom-layer profiles', () => {
    const { records, profiles } = metricsFromStore({
      loss: [{ step: 1, value: 2 }, { step: 2, value: 1.5 }],
      valLoss: [{ step: 2, value: 1.6 }],
      metric: [],
      gradNorm: [{ step: 1, value: 0.3 }, { step: 2, value: 0.2 }],
      sigmaMax: [{ step: 1, value: 1 }],
      spectralRadius: [{ step: 1, value: 0.9 }],
      heatColumns: [Float64Array.of(1, 0.5, 0.25)],
      heatSteps: [2],
    });
    expect(metricsToCsv(records).trim().split('\n').slice(1)).toEqual(['1,2,,,0.3,,,,1,0.9', '2,1.5,1.6,,0.2,,,,,']);
    expect(profiles).toEqual([{ step: 2, dh: [Float64Array.of(1, 0.5, 0.25)] }]);
  });

  test('sizes and times in words', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(2048)).toBe('2 kB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
    expect(formatWhen(0, 30_000)).toBe('just now');
    expect(formatWhen(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatWhen(0, 3 * 3_600_000)).toBe('3 h ago');
    expect(formatWhen(0, 3 * 86_400_000)).toBe('1970-01-01');
  });
});
