// The Python of the exported PyTorch script lives in fixed .py files (src/core/export/python); here Python's own
// compiler checks every one of them (found by walking the folder, so a new file is covered without a new line),
// every file is checked to be a piece of some assembled script, and the scripts assembled for every task × cell
// compile and build their command line (--help) with the options their run calls for. Needs only a python3;
// torch is not needed (the scripts' --help runs before torch is used).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultConfig, TASKS, type Config } from '../../src/core/config';
import { pytorchScript, type ScriptOptions } from '../../src/core/export/pytorch';
import { CELLS, makeSpec, type ModelSpec } from '../../src/core/spec';
import { TORCH_PYTHON } from '../python/torchPython';

const PIECES_DIR = join(__dirname, '..', '..', 'src', 'core', 'export', 'python');

/** TORCH_PYTHON where it runs, else the python3 on PATH; null without any. */
function findPython(): string | null {
  for (const candidate of [TORCH_PYTHON, 'python3']) {
    if (spawnSync(candidate, ['-c', 'pass'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  console.info('SKIP export-py-files: no python3 on this machine, so the .py pieces were not compiled.');
  return null;
}
const PYTHON = findPython();

/** Every .py file under dir, recursively. */
function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return pythonFiles(path);
    return entry.name.endsWith('.py') ? [path] : [];
  });
}

/**
 * Compiles each file with py_compile (the bytecode goes to a throwaway folder, not next to the sources);
 * returns {path: error message} for the files that fail.
 */
function compileErrors(files: string[]): Record<string, string> {
  const out = mkdtempSync(join(tmpdir(), 'rnnlab-py-compile-'));
  try {
    const program = [
      'import json, os, py_compile, sys',
      'errors = {}',
      'for i, path in enumerate(sys.argv[2:]):',
      '    try:',
      '        py_compile.compile(path, cfile=os.path.join(sys.argv[1], f"{i}.pyc"), doraise=True)',
      '    except py_compile.PyCompileError as e:',
      '        errors[path] = e.msg',
      'print(json.dumps(errors))',
    ].join('\n');
    return JSON.parse(execFileSync(PYTHON!, ['-c', program, out, ...files], { encoding: 'utf8' }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface Model {
  cell: ModelSpec['cell'];
  variant: ModelSpec['variant'];
}
/** Every cell of the registry, and the LSTM once more as CIFG (the Greff module): every cell-dependent piece. */
const MODELS: Model[] = [...CELLS.map((cell) => ({ cell, variant: 'none' as const })), { cell: 'lstm', variant: 'cifg' }];

interface Assembled {
  name: string;
  config: Config;
  options: ScriptOptions;
  text: string;
}

/** Every task × MODELS; the Elman RNNs with Ω and truncated BPTT, every other model with the pure-Python forward. */
function assembledScripts(): Assembled[] {
  const out: Assembled[] = [];
  for (const task of TASKS) {
    for (const [i, { cell, variant }] of MODELS.entries()) {
      const elman = cell === 'rnn_tanh' || cell === 'rnn_relu';
      const config: Config = { ...defaultConfig(), task, cell, variant, omega: elman ? 0.5 : 0, bptt: elman ? 'truncated' : 'full', corpus: i % 2 ? 'user' : 'grammar' };
      const spec = makeSpec({ cell, variant, inputSize: 3, hiddenSize: 4, outputSize: 3, numLayers: cell === 'esn' ? 1 : 2 });
      const options: ScriptOptions = { pureForward: i % 2 === 0, csvColumn: task === 'csv' ? 'close' : undefined };
      out.push({ name: `${task}_${cell}_${variant}`, config, options, text: pytorchScript(config, spec, options) });
    }
  }
  return out;
}

describe.skipIf(PYTHON === null)('the .py pieces of the exported script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-py-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pieces = pythonFiles(PIECES_DIR);
  const scripts = assembledScripts();

  test('every .py file compiles (py_compile)', () => {
    expect(pieces.length).toBeGreaterThan(10);
    expect(compileErrors(pieces)).toEqual({});
  });

  test('every .py file is a piece of some assembled script (no file left out)', () => {
    const unused = pieces.filter((path) => {
      const piece = readFileSync(path, 'utf8').trim();
      return !scripts.some((script) => script.text.includes(piece));
    });
    expect(unused.map((path) => relative(PIECES_DIR, path)), 'in no script: wire them in (pytorch.ts, pythonTasks.ts, pythonModel.ts) or delete them').toEqual([]);
  });

  test(`${TASKS.length} tasks × ${MODELS.length} cells: the assembled script compiles`, () => {
    const files = scripts.map(({ name, text }) => {
      const path = join(dir, `${name}.py`);
      writeFileSync(path, text);
      return path;
    });
    expect(compileErrors(files)).toEqual({});
  });

  test('each assembled script\'s --help offers the options its run calls for', () => {
    const files = scripts.map(({ name, text }) => {
      const path = join(dir, `help_${name}.py`);
      writeFileSync(path, text);
      return path;
    });
    // One python for all scripts: each runs as __main__ with --help, which exits from argparse before torch is used.
    const program = [
      'import contextlib, io, json, runpy, sys',
      'helps = []',
      'for path in sys.argv[1:]:',
      '    sys.argv = [path, "--help"]',
      '    text = io.StringIO()',
      '    with contextlib.redirect_stdout(text):',
      '        try:',
      '            runpy.run_path(path, run_name="__main__")',
      '        except SystemExit:',
      '            pass',
      '    helps.append(text.getvalue())',
      'print(json.dumps(helps))',
    ].join('\n');
    const helps: string[] = JSON.parse(execFileSync(PYTHON!, ['-c', program, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    expect(helps).toHaveLength(scripts.length);
    scripts.forEach(({ name, config, options }, i) => {
      const help = helps[i];
      const offers = (option: string) => help.includes(option);
      expect(offers('--weights'), `${name}: ${help}`).toBe(true);
      expect(offers('--data'), name).toBe(config.task === 'csv' || config.task === 'char');
      expect(offers('--column'), name).toBe(config.task === 'csv');
      expect(offers('--sample'), name).toBe(config.task === 'char');
      expect(offers('--fit-readout'), name).toBe(config.cell === 'esn');
      expect(offers('--pure-check'), name).toBe(options.pureForward === true);
    });
  }, 60_000);
});
