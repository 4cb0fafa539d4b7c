// `rnnlab train --config "<URL or query string>" --steps N [--engine cpu|webgpu] [--out DIR] [--data FILE]
// [--column NAME]`: the playground's run, headless. Progress on stderr, one JSON line of metrics per step on
// stdout, the final weights as DIR/model.safetensors and the configuration as DIR/config.txt.
import { decodeRun, encodeRun } from '../core/lessons';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config } from '../core/config';
import { cellInfo } from '../core/spec';
import { createTask, decodeUserTextBytes, seriesFromCsvBytes } from '../core/tasks';
import { loadCorpusFromDisk } from './corpus';
import type { Task, TaskData } from '../core/tasks/task';
import { Trainer, type MetricFrame } from '../train/trainer';
import { CliError, engineFlag, parseFlags, requireFlag, short } from './args';
import { createEngine, firstLine, initEngine } from './engines';
import { readInputFile } from './files';

export const TRAIN_HELP = `rnnlab train --config "<URL or query string>" --steps N [--engine cpu|webgpu] [--out DIR]
             [--data FILE] [--column NAME]

Trains the run a playground link describes (the same keys as the page's URL; e.g.
"task=adding&T=50&cell=lstm&H=32&lr=0.01"). Progress goes to stderr, one JSON line of metrics per step to
stdout, and the final weights to DIR/model.safetensors with the configuration in DIR/config.txt
(DIR defaults to ./rnnlab-out). --steps defaults to the link's "steps" when that is set.
--data: a CSV file for task=csv (with --column NAME, default the first numeric column), or a UTF-8 text file
for task=char&corpus=user. The shipped corpora (corpus=code, grammar) are read from public/corpora.
If the run diverges it stops, rewinds to the last finite checkpoint, saves those weights and exits with 1.`;

export async function trainCommand(args: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const flags = parseFlags('train', args, { values: ['config', 'steps', 'engine', 'out', 'data', 'column'] });
  const configText = requireFlag('train', flags, 'config');
  const { config, notices } = decodeRun(configText);
  for (const n of notices) err(`rnnlab: notice: ${n}`);
  const stepsFlag = flags.values.get('steps');
  const steps = stepsFlag !== undefined ? Number(stepsFlag) : config.steps;
  if (stepsFlag !== undefined && !(Number.isSafeInteger(steps) && steps >= 1)) throw new CliError(`train: --steps must be a whole number ≥ 1, got "${short(stepsFlag)}"`);
  if (!(steps >= 1)) throw new CliError('train: --steps is required (or set "steps" in the configuration)');
  const engineKind = engineFlag('train', flags, config.engine === 'webgpu' ? 'webgpu' : 'cpu');
  const outDir = resolve(flags.values.get('out') ?? 'rnnlab-out');

  const task = buildTask(config, flags.values.get('data'), flags.values.get('column'));
  const engine = await createEngine(engineKind);
  let trainer: Trainer;
  try {
    trainer = new Trainer(engine, config, task);
  } catch (e) {
    engine.dispose();
    throw new CliError(`train: ${firstLine(e)}`);
  }
  try {
    await initEngine(engine, () => trainer.init());
    err(`rnnlab: training ${describeRun(config, trainer)} on ${engine.description} for ${steps} steps`);
    let stop = false;
    const onInterrupt = () => {
      stop = true;
    };
    process.once('SIGINT', onInterrupt);
    const started = Date.now();
    let lastReport = started;
    let divergence: string | null = null;
    let lastFrame: MetricFrame | null = null;
    let lastVal: MetricFrame | null = null;
    while (trainer.step < steps && !stop) {
      const frame = await trainer.stepOnce();
      if (trainer.step === steps && frame.valLoss === null && !frame.diverged) {
        // The last step always reports validation, however short the run.
        const v = await trainer.validate();
        frame.valLoss = v.valLoss;
        frame.metric = v.metric;
      }
      lastFrame = frame;
      if (frame.valLoss !== null) lastVal = frame;
      out(JSON.stringify(frameJson(frame)));
      if (frame.diverged) {
        divergence = frame.message;
        break;
      }
      const t = Date.now();
      if (t - lastReport >= 1000 || trainer.step === steps) {
        lastReport = t;
        err(progressLine(frame, lastVal, steps, (trainer.step * 1000) / Math.max(1, t - started)));
      }
    }
    process.removeListener('SIGINT', onInterrupt);
    let status = 0;
    if (divergence) {
      const at = await trainer.rewind();
      err(`rnnlab: ${divergence}; rewound to the last finite checkpoint (step ${at})`);
      status = 1;
    } else if (stop) {
      err(`rnnlab: interrupted at step ${trainer.step}`);
      status = 130;
    }
    mkdirSync(outDir, { recursive: true });
    const modelPath = join(outDir, 'model.safetensors');
    writeFileSync(modelPath, await trainer.exportSafetensors({ config: encodeRun(config) }));
    writeFileSync(join(outDir, 'config.txt'), `${encodeRun(config)}\n`);
    err(`rnnlab: wrote ${modelPath} and config.txt (step ${trainer.step}${lastFrame ? `, loss ${lastFrame.loss.toPrecision(4)}` : ''})`);
    return status;
  } finally {
    trainer.dispose();
  }
}

function buildTask(config: Config, dataPath: string | undefined, column: string | undefined): Task {
  const data: TaskData = {};
  try {
    if (config.task === 'csv') {
      if (!dataPath) throw new CliError('train: task=csv needs --data FILE.csv');
      const series = seriesFromCsvBytes(readInputFile('data file', dataPath), column);
      data.series = { name: series.name, values: series.values };
    } else if (config.task === 'char') {
      if (config.corpus === 'user') {
        if (!dataPath) throw new CliError('train: task=char&corpus=user needs --data FILE.txt');
        data.text = decodeUserTextBytes(readInputFile('data file', dataPath));
      } else {
        data.text = loadCorpusFromDisk(config.corpus);
      }
    }
    return createTask(config, data);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`train: ${firstLine(e)}`);
  }
}

function describeRun(config: Config, trainer: Trainer): string {
  const s = trainer.spec;
  const cell = cellInfo(s.cell).lstmVariants && s.variant !== 'none' ? `lstm/${s.variant}` : s.cell;
  return `${cell} X=${s.inputSize} H=${s.hiddenSize} Y=${s.outputSize}${s.numLayers > 1 ? ` layers=${s.numLayers}` : ''} on ${config.task} (T=${config.T}, B=${config.B})`;
}

/** One line of stdout per step: the scalars, the per-layer spectra, and the top layer's gradient profile. */
function frameJson(f: MetricFrame): Record<string, unknown> {
  return {
    step: f.step,
    loss: f.loss,
    penalty: f.penalty,
    gradNorm: f.gradNorm,
    clipFactor: f.clipFactor,
    clipped: f.clipped,
    lr: f.lr,
    valLoss: f.valLoss,
    metric: f.metric ? f.metric.value : null,
    metricName: f.metric ? f.metric.name : null,
    metricChance: f.metric ? f.metric.chance : null,
    sigmaMax: f.sigmaMax,
    spectralRadius: f.spectralRadius,
    dhNorm: Array.from(f.dhNormTop),
    ...(f.dcNormTop ? { dcNorm: Array.from(f.dcNormTop) } : {}),
    diverged: f.diverged,
    verdict: f.verdict, // a lesson run: its claim judged so far (core/lessons)
    ...(f.message ? { message: f.message } : {}),
    ms: Math.round(f.ms * 1000) / 1000,
  };
}

function progressLine(f: MetricFrame, val: MetricFrame | null, steps: number, rate: number): string {
  const parts = [`step ${f.step}/${steps}`, `loss ${f.loss.toPrecision(4)}`];
  if (val && val.valLoss !== null) parts.push(`val ${val.valLoss.toPrecision(4)}`);
  if (val?.metric) parts.push(`${val.metric.name} ${val.metric.value.toPrecision(3)} (chance ${val.metric.chance.toPrecision(3)})`);
  parts.push(`|g| ${f.gradNorm.toPrecision(3)}`, `σmax ${f.sigmaMax[0]?.toPrecision(3)}`, `${rate.toFixed(1)} steps/s`);
  return parts.join('  ');
}
