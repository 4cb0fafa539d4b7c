import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config';
import { classifyChange, REBUILD_KEYS, sameRun } from '../../src/core/configChange';
import { LESSONS, lessonById, lessonConfig, decodeRun } from '../../src/core/lessons';
import { PendingRequests } from '../../src/state/requests';
import { configFromUrl, urlWithConfig } from '../../src/state/url';
import type { ToWorker } from '../../src/train/protocol';

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
    expect(configFromUrl('http://127.0.0.1:4173/')).toEqual({ config: defaultConfig(), notices: [], given: [] });
    expect(configFromUrl('http://127.0.0.1:4173/#present')).toEqual({ config: defaultConfig(), notices: [], given: [] });
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

describe('lessons in links', () => {
  it('are valid Configs that survive the URL unchanged', () => {
    for (const l of LESSONS) {
      const c = lessonConfig(l);
      const url = urlWithConfig('http://x/', c);
      const decoded = decodeRun(url);
      expect(decoded.notices, l.id).toEqual([]);
      expect(decoded.config, l.id).toEqual(c);
      expect(c.preset).toBe(l.id);
    }
  });
  it('a short link is the whole lesson, and keys in it apply on top (lesson= or preset=)', () => {
    const clipping = lessonConfig(lessonById('clipping')!);
    expect(decodeRun('?lesson=clipping').config).toEqual(clipping);
    expect(decodeRun('?preset=clipping').config).toEqual(clipping);
    // clip=none is the default, yet in a lesson link it overrides the lesson's clip=norm
    expect(decodeRun('?lesson=clipping&clip=none').config).toEqual({ ...clipping, clip: 'none' });
    const url = urlWithConfig('http://x/', { ...clipping, clip: 'none' });
    expect(url).toBe('http://x/?v=1&lesson=clipping&clip=none');
    expect(decodeRun(url).config.clip).toBe('none');
    // the page's own keys are written when they differ from the defaults: a pinned engine, a seed, presenter
    const pinned = urlWithConfig('http://x/', { ...clipping, engine: 'cpu', seed: 9, presenter: true });
    expect(pinned).toBe('http://x/?v=1&lesson=clipping&seed=9&engine=cpu&presenter=1');
    expect(decodeRun(pinned).config).toEqual({ ...clipping, engine: 'cpu', seed: 9, presenter: true });
  });
  it('an unknown lesson is named in a notice, and the defaults are used', () => {
    const { config, notices } = decodeRun('?lesson=nonexistent');
    expect(config.preset).toBe('');
    expect(notices).toEqual([expect.stringMatching(/^unknown lesson "nonexistent"; lessons are rnn, vanishing, /)]);
  });
});

describe('classifyChange: the ESN spectral radius', () => {
  it('is applied to the live reservoir, not rebuilt', () => {
    const base = { ...defaultConfig(), cell: 'esn' as const };
    expect(classifyChange(base, { ...base, rho: 1.2 })).toMatchObject({ rebuild: false, rho: 1.2 });
  });
});

describe('lesson races', () => {
  it('race two to four models', () => {
    for (const l of LESSONS) if (l.race) expect(l.race.length, l.id).toBeGreaterThanOrEqual(2);
  });
});

describe('sameRun', () => {
  it('holds across live changes and the classroom keys, and fails on any key that restarts the run', () => {
    const a = defaultConfig();
    expect(sameRun(a, { ...a, wrec: 3, lr: 0.5, clip: 'norm', engine: 'cpu', presenter: true, steps: 10 })).toBe(true);
    const changed: Partial<typeof a> = { seed: a.seed + 1, task: 'copy', T: a.T + 1, corpus: 'grammar', cell: 'gru', variant: 'cifg', H: a.H + 1, layers: a.layers + 1, init: 'identity', bias: 'forget1', leak: a.leak / 2, inScale: a.inScale * 2, B: a.B + 1, opt: 'rmsprop' };
    for (const key of REBUILD_KEYS) {
      expect(changed[key], key).not.toBe(a[key]);
      expect(sameRun(a, { ...a, [key]: changed[key] }), key).toBe(false);
    }
  });
});

describe('PendingRequests', () => {
  it('settles each request with the reply of its type and id, and fails the rest when the worker goes', async () => {
    const requests = new PendingRequests();
    const sent: ToWorker[] = [];
    const send = (m: ToWorker) => sent.push(m);
    const forward = requests.ask('forwardResult', (id) => ({ type: 'forward', id, x: new Float32Array(1), T: 1 }), send);
    const checkpoint = requests.ask('checkpoint', (id) => ({ type: 'checkpoint', id }), send);
    const ids = sent.map((m) => ('id' in m ? m.id : -1));
    expect(new Set(ids).size).toBe(2);
    // a reply of another type with the same id (a panel's own request) settles nothing
    requests.settle({ type: 'inspection', id: ids[0], step: 0, snapshot: null, error: 'x' });
    const outputs = new Float32Array([1, 2]);
    requests.settle({ type: 'forwardResult', id: ids[0], outputs, error: null });
    expect((await forward).outputs).toBe(outputs);
    requests.rejectAll('the training worker restarted');
    await expect(checkpoint).rejects.toThrow('the training worker restarted');
  });
});
