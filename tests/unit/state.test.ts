import { describe, expect, it } from 'vitest';
import { decodeConfig, defaultConfig } from '../../src/core/config';
import { classifyChange } from '../../src/state/configChange';
import { PRESETS, presetById, presetConfig } from '../../src/state/presets';
import { configFromUrl, urlWithConfig } from '../../src/state/url';

describe('url', () => {
  it('writes the Config into the query and keeps path and hash', () => {
    const c = { ...defaultConfig(), wrec: 0.5, cell: 'lstm' as const };
    const url = urlWithConfig('http://localhost:5173/lab/?wrec=9&x=1#present', c);
    expect(url.startsWith('http://localhost:5173/lab/?v=1')).toBe(true);
    expect(url.endsWith('#present')).toBe(true);
    expect(configFromUrl(url).config).toEqual(c);
    expect(configFromUrl(url).notices).toEqual([]);
  });

  it('reads an address without a query as the defaults', () => {
    expect(configFromUrl('http://127.0.0.1:4173/')).toEqual({ config: defaultConfig(), notices: [] });
    expect(configFromUrl('http://127.0.0.1:4173/#present')).toEqual({ config: defaultConfig(), notices: [] });
  });

  it('reports bad values from a link and still yields a Config', () => {
    const { config, notices } = configFromUrl('http://x/?wrec=banana&H=100000&cell=quantum&zzz=1');
    expect(config.wrec).toBe(defaultConfig().wrec);
    expect(config.H).toBe(1024);
    expect(config.cell).toBe(defaultConfig().cell);
    expect(notices.length).toBe(4);
  });
});

describe('classifyChange', () => {
  const base = defaultConfig();
  it('applies W_rec, learning rate and engine live', () => {
    const c = classifyChange(base, { ...base, wrec: 2, lr: 0.1, engine: 'cpu' });
    expect(c).toEqual({ rebuild: false, wrec: 2, lr: 0.1, rho: null, engine: 'cpu', stepOptions: false, steps: null });
  });
  it('rebuilds when the model or data change', () => {
    expect(classifyChange(base, { ...base, cell: 'gru' }).rebuild).toBe(true);
    expect(classifyChange(base, { ...base, T: 100 }).rebuild).toBe(true);
    expect(classifyChange(base, { ...base, clip: 'norm' })).toMatchObject({ rebuild: false, stepOptions: true });
  });
  it('sees nothing in an unchanged Config', () => {
    expect(classifyChange(base, { ...base })).toEqual({ rebuild: false, wrec: null, lr: null, rho: null, engine: null, stepOptions: false, steps: null });
  });
});

describe('presets', () => {
  it('are valid Configs that survive the URL unchanged', () => {
    for (const p of PRESETS) {
      const c = presetConfig(p);
      const url = urlWithConfig('http://x/', c);
      const decoded = decodeConfig(url);
      expect(decoded.notices, p.id).toEqual([]);
      expect(decoded.config, p.id).toEqual(c);
      expect(c.preset).toBe(p.id);
    }
  });
  it('have a two-sentence card and a thing to try', () => {
    for (const p of PRESETS) {
      expect(p.explanation.split(/(?<=\.)\s+/).length, p.id).toBe(2);
      expect(p.tryThis.length).toBeGreaterThan(10);
    }
  });
  it('include the lessons the issue names', () => {
    expect(presetById('vanishing')?.overrides).toMatchObject({ cell: 'rnn_tanh', wrec: 0.5, task: 'adding', T: 50 });
    expect(presetById('exploding')?.overrides).toMatchObject({ wrec: 3, clip: 'none' });
    expect(presetById('clipping')?.overrides.clip).toBe('norm');
    expect(presetById('lstm-long')?.overrides).toMatchObject({ cell: 'lstm' });
    expect(presetById('lstm-long')!.overrides.T!).toBeGreaterThanOrEqual(100);
  });
});

describe('classifyChange: the ESN spectral radius', () => {
  it('is applied to the live reservoir, not rebuilt', () => {
    const base = { ...defaultConfig(), cell: 'esn' as const };
    expect(classifyChange(base, { ...base, rho: 1.2 })).toMatchObject({ rebuild: false, rho: 1.2 });
  });
});

describe('preset races', () => {
  it('race two to four models, and the Greff ablation races the full LSTM against CIFG and NFG', () => {
    for (const p of PRESETS) if (p.race) expect(p.race.length, p.id).toBeGreaterThanOrEqual(2);
    const greff = PRESETS.find((p) => p.id === 'greff');
    expect(greff?.race?.map((c) => c.variant)).toEqual(['none', 'cifg', 'nfg']);
  });
});
