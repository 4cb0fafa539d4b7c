// The Config's URL form: decode is total and pure, decode(encode(c)) = c, bad values are reported.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, CONFIG_VERSION, decodeConfig, defaultConfig, encodeConfig, numberSetting, type Config } from '../../src/core/config';
import { decodeRun, encodeRun } from '../../src/core/lessons';

type AnyField = { kind: string; def: unknown; min?: number; max?: number; options?: readonly string[]; maxLength?: number };
const fields = Object.entries(CONFIG_FIELDS) as [string, AnyField][];

/** An arbitrary valid Config, field by field from the table. */
const validConfig: fc.Arbitrary<Config> = fc.record(
  Object.fromEntries(
    fields.map(([key, f]) => {
      switch (f.kind) {
        case 'int': return [key, fc.integer({ min: f.min!, max: Math.min(f.max!, 2 ** 31 - 1) })];
        case 'float': return [key, fc.double({ min: f.min!, max: f.max!, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v))];
        case 'enum': return [key, fc.constantFrom(...f.options!)];
        case 'bool': return [key, fc.boolean()];
        default: return [key, fc.string({ maxLength: f.maxLength })];
      }
    }),
  ),
).map((r) => ({ v: CONFIG_VERSION, ...r }) as Config);

function isValid(c: Record<string, unknown>): boolean {
  return fields.every(([key, f]) => {
    const v = c[key];
    switch (f.kind) {
      case 'int': return Number.isInteger(v) && (v as number) >= f.min! && (v as number) <= f.max!;
      case 'float': return typeof v === 'number' && Number.isFinite(v) && v >= f.min! && v <= f.max!;
      case 'enum': return f.options!.includes(v as string);
      case 'bool': return typeof v === 'boolean';
      default: return typeof v === 'string' && v.length <= f.maxLength!;
    }
  });
}

describe('Config URL', () => {
  it('round-trips every valid Config', () => {
    fc.assert(fc.property(validConfig, (c) => {
      const back = decodeConfig(encodeConfig(c));
      expect(back.notices).toEqual([]);
      expect(back.config).toEqual(c);
    }), { numRuns: 300 });
  });

  it('decodes any string without throwing, always to a valid Config', () => {
    const keys = fields.map(([k]) => k);
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys, 'v'), fc.string()), fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('NaN', 'Infinity', '-1e999', ''))))
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
    fc.assert(fc.property(fc.oneof(fc.string(), query), (input) => {
      const { config } = decodeConfig(input);
      expect(isValid(config as unknown as Record<string, unknown>)).toBe(true);
    }), { numRuns: 500 });
  });

  it('reports what it changed: unknown keys, clamps, wrong types, long text, other versions', () => {
    const { config, notices } = decodeConfig('https://x.test/?v=0&T=5000&H=abc&cell=transformer&zzz=1&lr=1e-3&hide=' + 'a'.repeat(300));
    expect(config.T).toBe(1000);
    expect(config.H).toBe(defaultConfig().H);
    expect(config.cell).toBe('rnn_tanh');
    expect(config.lr).toBe(0.001);
    expect(config.hide.length).toBe(200);
    expect(notices.join('\n')).toMatch(/version 0/);
    expect(notices.join('\n')).toMatch(/T = 5000 is above 1000; set to 1000/);
    expect(notices.join('\n')).toMatch(/H must be a number/);
    expect(notices.join('\n')).toMatch(/"cell" = "transformer"/);
    expect(notices.join('\n')).toMatch(/unknown setting "zzz"/);
    expect(notices.join('\n')).toMatch(/"hide" is longer/);
  });

  it('reads an address without a query as the defaults, silently', () => {
    for (const address of ['https://rnnlab.test/', 'http://localhost:5173/lab/index.html', '/lab/']) {
      expect(decodeConfig(address)).toEqual({ config: defaultConfig(), notices: [], given: [] });
    }
    expect(decodeConfig('cell=gru').config.cell).toBe('gru');
  });

  it('writes only what differs from the defaults', () => {
    expect(encodeConfig(defaultConfig())).toBe(`v=${CONFIG_VERSION}`);
    expect(encodeConfig({ ...defaultConfig(), cell: 'lstm', wrec: 0.5 })).toBe(`v=${CONFIG_VERSION}&cell=lstm&wrec=0.5`);
  });
});

describe('numberSetting: a link and a number box say the same thing', () => {
  it('clamps into the range and says so', () => {
    expect(numberSetting('T', '0')).toEqual({ value: 2, notice: 'T = 0 is below 2; set to 2' });
    expect(numberSetting('H', '-5')).toEqual({ value: 1, notice: 'H = -5 is below 1; set to 1' });
    expect(numberSetting('lr', '1e9')).toEqual({ value: 10, notice: 'lr = 1000000000 is above 10; set to 10' });
    expect(numberSetting('T', '12.6')).toEqual({ value: 13, notice: 'T = 12.6 is not a whole number; set to 13' });
    expect(numberSetting('lr', '0.01')).toEqual({ value: 0.01, notice: null });
  });
  it('a value that is not a number keeps the fallback (the default for a link, the value in force for a box)', () => {
    expect(numberSetting('T', 'abc')).toEqual({ value: 50, notice: 'T must be a number; "abc" replaced by the default 50' });
    expect(numberSetting('T', '', 30)).toEqual({ value: 30, notice: 'T must be a number; "" replaced by 30' });
  });
  it('a link reports the same words', () => {
    expect(decodeConfig('T=0&H=-5').notices).toEqual(['T = 0 is below 2; set to 2', 'H = -5 is below 1; set to 1']);
  });
});

describe('the open figure in a link', () => {
  it('lesson=clipping&figure=cliff opens the clipping lesson with the cliff, and writes itself back', () => {
    const { config, notices } = decodeRun('lesson=clipping&figure=cliff');
    expect(notices).toEqual([]);
    expect(config.preset).toBe('clipping');
    expect(config.figure).toBe('cliff');
    expect(encodeRun(config)).toBe('v=1&lesson=clipping&figure=cliff');
    expect(decodeRun(encodeRun(config)).config).toEqual(config);
    expect(decodeRun('lesson=clipping').config.figure).toBe('none');
    expect(decodeConfig('figure=mandelbrot').notices.join('\n')).toMatch(/figure/);
  });
});
