// The Config: the one source of truth for a run's settings. The URL query string is its serialisation
// (one declarative table below, with a version key); presets are named Configs; the CLI reads the same string.
// Decoding is pure and total: it never throws, and reports what it had to change as notices.
import { CELLS, LSTM_VARIANTS } from './spec';

export const CONFIG_VERSION = 1;

export const TASKS = ['adding', 'copy', 'temporal_order', 'reber', 'continual_reber', 'sine', 'sines', 'mackey_glass', 'random_walk', 'csv', 'char'] as const;
export const INITS = ['pytorch', 'xavier', 'orthogonal', 'identity'] as const;
/** LSTM gate-bias initialisation (core/init.ts initGateBiases): default, b_f = 1, or chrono. Other cells ignore it. */
export const BIAS_INITS = ['default', 'forget1', 'chrono'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam'] as const;
export const CLIPS = ['none', 'norm', 'value'] as const;
export const BPTTS = ['full', 'truncated'] as const;
export const ENGINES = ['auto', 'webgpu', 'cpu'] as const;
/** The corpora shipped in public/corpora, and with them the user's own text. */
export const SHIPPED_CORPORA = ['code', 'grammar'] as const;
export type ShippedCorpus = (typeof SHIPPED_CORPORA)[number];
export const CORPORA = [...SHIPPED_CORPORA, 'user'] as const;
/**
 * The papers' figures the page can open beside a lesson (src/ui/figures): none, Pascanu et al.'s cliff, Karpathy et al.'s
 * gate saturation, Bengio et al.'s success against sequence length, Hochreiter & Schmidhuber's long-lag table, Greff
 * et al.'s LSTM variants compared.
 */
export const FIGURES = ['none', 'cliff', 'saturation', 'success', 'longlag', 'variants'] as const;
/** The tasks of the long-lag table: Hochreiter & Schmidhuber's adding (Table 7) and temporal order (Table 9) problems. */
export const FIGURE_TASKS = ['adding', 'temporal_order'] as const;
/** A figure's parameters in the link, at their defaults: opening or closing a figure resets them. */
export const FIGURE_PARAM_KEYS = ['figT', 'figCells', 'figSeeds', 'figSteps', 'figTask'] as const;

type FieldSpec =
  | { kind: 'int'; def: number; min: number; max: number }
  | { kind: 'float'; def: number; min: number; max: number }
  | { kind: 'enum'; def: string; options: readonly string[] }
  | { kind: 'bool'; def: boolean }
  | { kind: 'text'; def: string; maxLength: number };

/**
 * Every setting: URL key → type, default and range. Keys are short but readable, since a teacher types them.
 * wrec is the largest singular value σ_max of each layer's recurrent matrix W_hh after initialisation
 * (all gate blocks stacked); 0 keeps the initialiser's own scale.
 */
export const CONFIG_FIELDS = {
  seed: { kind: 'int', def: 1, min: 0, max: 2 ** 31 - 1 },
  task: { kind: 'enum', def: 'adding', options: TASKS },
  T: { kind: 'int', def: 50, min: 2, max: 1000 }, // sequence length / lag
  corpus: { kind: 'enum', def: 'code', options: CORPORA },
  cell: { kind: 'enum', def: 'rnn_tanh', options: CELLS },
  variant: { kind: 'enum', def: 'none', options: LSTM_VARIANTS },
  H: { kind: 'int', def: 32, min: 1, max: 1024 },
  layers: { kind: 'int', def: 1, min: 1, max: 3 },
  init: { kind: 'enum', def: 'orthogonal', options: INITS },
  bias: { kind: 'enum', def: 'default', options: BIAS_INITS }, // LSTM gate biases (forget1: b_f = 1; chrono: T_max = T)
  wrec: { kind: 'float', def: 1, min: 0, max: 100 },
  hold: { kind: 'bool', def: false }, // hold σ_max(W_rec) at wrec while training: re-projected after every update
  rho: { kind: 'float', def: 0.9, min: 0, max: 10 }, // ESN spectral radius
  leak: { kind: 'float', def: 1, min: 0.001, max: 1 }, // ESN leak rate
  inScale: { kind: 'float', def: 1, min: 0, max: 100 }, // ESN input scaling
  opt: { kind: 'enum', def: 'adam', options: OPTIMIZERS },
  lr: { kind: 'float', def: 0.003, min: 1e-7, max: 10 },
  mom: { kind: 'float', def: 0.9, min: 0, max: 0.9999 },
  B: { kind: 'int', def: 16, min: 1, max: 1024 },
  clip: { kind: 'enum', def: 'none', options: CLIPS },
  clipAt: { kind: 'float', def: 1, min: 1e-6, max: 1e6 },
  l2: { kind: 'float', def: 0, min: 0, max: 10 },
  omega: { kind: 'float', def: 0, min: 0, max: 100 },
  bptt: { kind: 'enum', def: 'full', options: BPTTS },
  k1: { kind: 'int', def: 10, min: 1, max: 1000 },
  k2: { kind: 'int', def: 20, min: 1, max: 1000 },
  engine: { kind: 'enum', def: 'auto', options: ENGINES },
  steps: { kind: 'int', def: 0, min: 0, max: 10_000_000 }, // 0 = train until paused
  preset: { kind: 'text', def: '', maxLength: 40 },
  // Classroom: a minimal-chrome embed, large type, and controls hidden by their keys (comma-separated).
  embed: { kind: 'bool', def: false },
  presenter: { kind: 'bool', def: false },
  hide: { kind: 'text', def: '', maxLength: 200 },
  figure: { kind: 'enum', def: 'none', options: FIGURES }, // the paper's figure open on the page, so a link shares it
  // The open figure's runs, written when they start so that a link shares them; '' and 0 mean the figure's own default.
  figT: { kind: 'text', def: '', maxLength: 80 }, // the lags T, "5, 10, 20"
  figCells: { kind: 'text', def: '', maxLength: 120 }, // the cells ("rnn_tanh,lstm") or LSTM variants ("vanilla,nfg")
  figSeeds: { kind: 'int', def: 5, min: 2, max: 20 }, // runs per point
  figSteps: { kind: 'int', def: 0, min: 0, max: 100_000 }, // the step budget of each run
  figTask: { kind: 'enum', def: 'adding', options: FIGURE_TASKS }, // the long-lag table's task
} as const satisfies Record<string, FieldSpec>;

type Fields = typeof CONFIG_FIELDS;
type ValueOf<F> = F extends { kind: 'enum'; options: readonly (infer O)[] }
  ? O
  : F extends { kind: 'bool' }
    ? boolean
    : F extends { kind: 'text' }
      ? string
      : number;

export type Config = { v: number } & { -readonly [K in keyof Fields]: ValueOf<Fields[K]> };

export function defaultConfig(): Config {
  const c: Record<string, unknown> = { v: CONFIG_VERSION };
  for (const [key, f] of Object.entries(CONFIG_FIELDS) as [string, FieldSpec][]) c[key] = f.def;
  return c as Config;
}

export interface DecodeResult {
  config: Config;
  notices: string[]; // one line per key that was ignored, clamped, replaced or migrated
  given: (keyof Config)[]; // the keys the input set (a lesson's Config applies under them)
}

/** In a link the lesson is written `lesson=<id>`; `preset=<id>`, the older name, reads the same. */
const URL_ALIASES: Record<string, keyof Config> = { lesson: 'preset' };
const URL_NAMES: Partial<Record<keyof Config, string>> = { preset: 'lesson' };

/**
 * A number for a numeric setting, from a link or a number box: rounded for integers, clamped into its range, and
 * the notice that says what was done ("T = 0 is below 2; set to 2"), or null when it was taken as given. A value
 * that is not a number gives `fallback` (the default for a link; the value in force for a box).
 */
export function numberSetting(key: string, raw: string, fallback?: number): { value: number; notice: string | null } {
  const f = (CONFIG_FIELDS as Record<string, FieldSpec>)[key];
  if (!f || (f.kind !== 'int' && f.kind !== 'float')) throw new Error(`"${key}" is not a numeric setting`);
  const keep = fallback ?? f.def;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) return { value: keep, notice: `${key} must be a number; "${raw.slice(0, 20)}" replaced by ${fallback === undefined ? 'the default ' : ''}${keep}` };
  const v = f.kind === 'int' ? Math.round(n) : n;
  if (v < f.min) return { value: f.min, notice: `${key} = ${v} is below ${f.min}; set to ${f.min}` };
  if (v > f.max) return { value: f.max, notice: `${key} = ${v} is above ${f.max}; set to ${f.max}` };
  if (v !== n) return { value: v, notice: `${key} = ${n} is not a whole number; set to ${v}` };
  return { value: v, notice: null };
}

function parseField(key: string, f: FieldSpec, raw: string, notices: string[]): unknown {
  switch (f.kind) {
    case 'int':
    case 'float': {
      const { value, notice } = numberSetting(key, raw);
      if (notice) notices.push(notice);
      return value;
    }
    case 'enum':
      if (f.options.includes(raw)) return raw;
      notices.push(`"${key}" = "${raw.slice(0, 20)}" is not one of ${f.options.join(', ')}; using ${f.def}`);
      return f.def;
    case 'bool':
      if (raw === '1' || raw === 'true') return true;
      if (raw === '0' || raw === 'false') return false;
      notices.push(`"${key}" must be 0 or 1; using ${f.def ? 1 : 0}`);
      return f.def;
    case 'text':
      if (raw.length > f.maxLength) {
        notices.push(`"${key}" is longer than ${f.maxLength} characters; cut`);
        return raw.slice(0, f.maxLength);
      }
      return raw;
  }
}

/** Accepts a full URL, a query string with or without "?", or a hash. Never throws. */
export function decodeConfig(input: string): DecodeResult {
  const notices: string[] = [];
  const config = defaultConfig() as Record<string, unknown>;
  let query = String(input ?? '');
  const q = query.indexOf('?');
  if (q >= 0) query = query.slice(q + 1);
  else if (/^([a-z][a-z0-9+.-]*:\/\/|\/)/i.test(query.trim())) query = ''; // an address with no settings
  query = query.replace(/^#/, '').split('#')[0];
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { config: config as Config, notices: ['the configuration could not be read; using defaults'], given: [] };
  }
  const fields = CONFIG_FIELDS as Record<string, FieldSpec>;
  const version = params.get('v');
  if (version !== null && version !== String(CONFIG_VERSION)) {
    notices.push(`link version ${version.slice(0, 10)} read as version ${CONFIG_VERSION}`);
  }
  const given = new Set<keyof Config>();
  for (const [name, raw] of params) {
    if (name === 'v') continue;
    const key = Object.prototype.hasOwnProperty.call(URL_ALIASES, name) ? URL_ALIASES[name] : name;
    const f = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (!f) {
      notices.push(`unknown setting "${name.slice(0, 20)}" ignored`);
      continue;
    }
    config[key] = parseField(name, f, raw, notices);
    given.add(key as keyof Config);
  }
  return { config: config as Config, notices, given: [...given] };
}

/**
 * Only settings that differ from `base` (the defaults, or a lesson's Config: core/lessons encodeRun) are
 * written, so links stay short.
 */
export function encodeConfig(config: Config, base: Config = defaultConfig()): string {
  const params = new URLSearchParams();
  params.set('v', String(CONFIG_VERSION));
  const lesson = config.preset;
  if (lesson !== '') params.set(URL_NAMES.preset!, lesson);
  for (const key of Object.keys(CONFIG_FIELDS) as (keyof Config)[]) {
    const value = config[key];
    if (key === 'preset' || value === base[key]) continue;
    params.set(URL_NAMES[key] ?? key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}
