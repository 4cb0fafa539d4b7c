import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config';
import { configFromUrl, hiddenKeys, iframeSnippet, raceFromUrl, sharedConfig, urlWithConfig } from '../../src/state/url';

describe('race links', () => {
  it('reads the race apart from the Config, without an unknown-setting notice', () => {
    const href = 'http://x/?v=1&cell=lstm&race=rnn_tanh,lstm,gru';
    const { config, notices } = configFromUrl(href);
    expect(config.cell).toBe('lstm');
    expect(notices).toEqual([]);
    expect(raceFromUrl(href).contestants.map((c) => c.cell)).toEqual(['rnn_tanh', 'lstm', 'gru']);
  });
  it('keeps the race when the Config is written back', () => {
    const next = urlWithConfig('http://x/?race=lstm,lstm:cifg#a', { ...defaultConfig(), H: 8 });
    expect(next).toContain('race=lstm,lstm:cifg');
    expect(next.endsWith('#a')).toBe(true);
    expect(configFromUrl(next).config.H).toBe(8);
  });
  it('reports a bad race as a notice', () => {
    expect(configFromUrl('?race=lstm,bogus').notices.length).toBeGreaterThan(0);
  });
});

describe('sharing', () => {
  it('pins the engine and the steps, or leaves the engine to each browser', () => {
    const c = { ...defaultConfig(), engine: 'webgpu' as const };
    expect(sharedConfig(c, { pinEngine: null, pinSteps: null }).engine).toBe('auto');
    const pinned = sharedConfig(c, { pinEngine: 'cpu', pinSteps: 300, embed: true });
    expect([pinned.engine, pinned.steps, pinned.embed]).toEqual(['cpu', 300, true]);
  });
  it('escapes the link inside the iframe snippet', () => {
    const s = iframeSnippet('http://x/?a=1&hide=lr"><script>');
    expect(s).toContain('a=1&amp;hide=lr&quot;&gt;&lt;script&gt;');
    expect(s).not.toContain('<script>');
  });
});

describe('hide=', () => {
  it('names controls by their Config keys and groups by name', () => {
    const keys = hiddenKeys(' lr,clip ,model,wrec,,bogus,__proto__,constructor');
    expect([...keys].sort()).toEqual(['clip', 'group:model', 'lr', 'wrec']);
  });
  it("'task' hides the task group and its field", () => {
    expect([...hiddenKeys('task')].sort()).toEqual(['group:task', 'task']);
  });
  it('an empty value hides nothing', () => {
    expect(hiddenKeys('').size).toBe(0);
  });
});
