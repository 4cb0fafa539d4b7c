// The char-RNN lesson's claims, measured with the project's own code on the CPU engine:
// - the shipped checkpoint (public/checkpoints/, made by scripts/train-char-checkpoint.mjs with `rnnlab train`) is
//   the lesson's network, loads through the page's import checks, and has interpretable units: a cell unit
//   follows the bracket depth and another "inside a string", each with |r| ≥ 0.6 over the probe passages the
//   page offers, where a fresh network's best unit stays below 0.6;
// - the lesson's claim (bits per character against the character frequencies) holds from scratch within its
//   budget, and at once from the checkpoint.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { decodeConfig, type Config } from '../../src/core/config';
import { importModel, type ImportedModel } from '../../src/core/export/importModel';
import { probePassages, rankUnits, textFeatures, textProbe, type FeatureRanking, type TextFeature } from '../../src/core/inspect/units';
import { Evidence, lessonConfig } from '../../src/core/lessons';
import { CHAR_CHECKPOINT, CHAR_CHECKPOINT_STEPS, charRnn } from '../../src/core/lessons/charRnn';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import type { CharTask } from '../../src/core/tasks/text';
import type { Engine } from '../../src/engine/engine';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { checkpointMismatch, lessonCheckpointMessages } from '../../src/state/lessonCheckpoint';
import { Trainer } from '../../src/train/trainer';

const config: Config = { ...lessonConfig(charRnn), seed: 1 };
const text = loadCorpusFromDisk(config.corpus);
const task = createTask(config, { text }) as CharTask;
const file = join('public', CHAR_CHECKPOINT);

function readCheckpoint(): ImportedModel {
  const read = importModel(new Uint8Array(readFileSync(file)));
  if (!read.ok) throw new Error(read.error);
  return read.model;
}

/**
 * Every unit against every feature over all the probe passages the page offers (each read from a zero state,
 * as the page does): the passages' states and features side by side, ranked by the page's own rankUnits.
 */
async function unitsOnPassages(engine: Engine): Promise<{ hidden: FeatureRanking[]; cells: FeatureRanking[]; chars: number }> {
  const H = config.H;
  const hidden: number[] = [];
  const cells: number[] = [];
  const values = new Map<TextFeature['id'], { label: string; values: number[] }>();
  for (const p of probePassages(task)) {
    const probe = textProbe(task, p.length, p.start);
    const fwd = await engine.forward(probe.batch);
    hidden.push(...fwd.hidden[0]);
    cells.push(...fwd.cells![0]);
    for (const f of textFeatures(probe.chars)) {
      const entry = values.get(f.id) ?? { label: f.label, values: [] };
      entry.values.push(...f.values);
      values.set(f.id, entry);
    }
  }
  const N = hidden.length / H;
  const features: TextFeature[] = [...values].map(([id, f]) => ({ id, label: f.label, values: Float64Array.from(f.values) }));
  return { hidden: rankUnits(hidden, N, 1, H, features, 3), cells: rankUnits(cells, N, 1, H, features, 3), chars: N };
}

const best = (rankings: FeatureRanking[], id: TextFeature['id']) => rankings.find((r) => r.feature === id)!.top[0];

function table(rankings: FeatureRanking[]): string {
  return rankings.map((r) => `${r.label}: unit ${r.top[0].unit} r = ${r.top[0].r.toFixed(2)}`).join('; ');
}

describe('the char-RNN lesson', () => {
  test('the shipped checkpoint is the lesson\'s network, small, and loads through the page\'s import checks', () => {
    expect(statSync(file).size).toBeLessThan(300 * 1024);
    const model = readCheckpoint();
    expect(model.step).toBe(CHAR_CHECKPOINT_STEPS);
    expect(model.config).not.toBeNull();
    // trained with the lesson's settings: every key the lesson sets, and seed 1
    const saved = decodeConfig(model.metadata.config).config;
    for (const [key, value] of Object.entries({ ...charRnn.config, seed: 1 })) expect(saved[key as keyof Config], key).toBe(value);
    expect(checkpointMismatch(model, lessonConfig(charRnn), { text })).toBeNull();
    expect(checkpointMismatch(model, { ...lessonConfig(charRnn), H: 32 }, { text })).toMatch(/H = 64/);
    expect(checkpointMismatch(model, { ...lessonConfig(charRnn), corpus: 'code' }, { text: loadCorpusFromDisk('code') })).toMatch(/grammar/);
  });

  test('the page fetches it for the lesson and loads it with loadModel; a missing file or another network trains from scratch, with a notice', async () => {
    const bytes = readFileSync(file);
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return url === `/base/${CHAR_CHECKPOINT}` ? new Response(bytes) : new Response('not found', { status: 404 });
    });
    try {
      const notices: string[] = [];
      const messages = await lessonCheckpointMessages(lessonConfig(charRnn), { text }, (m) => notices.push(m), '/base/');
      expect(asked).toEqual([`/base/${CHAR_CHECKPOINT}`]);
      expect(messages).toHaveLength(1);
      const load = messages[0];
      if (load.type !== 'loadModel') throw new Error(`expected loadModel, got ${load.type}`);
      expect(load.step).toBe(CHAR_CHECKPOINT_STEPS);
      expect(Array.from(load.params)).toEqual(Array.from(readCheckpoint().params));
      expect(notices[0]).toMatch(/from a checkpoint trained for 2,000 steps/);
      // fetched once per page
      await lessonCheckpointMessages(lessonConfig(charRnn), { text }, () => {}, '/base/');
      expect(asked).toHaveLength(1);
      // another network: nothing loaded, and the page says why
      expect(await lessonCheckpointMessages({ ...lessonConfig(charRnn), H: 32 }, { text }, (m) => notices.push(m), '/base/')).toEqual([]);
      expect(notices[notices.length - 1]).toMatch(/does not fit.*H = 64.*from scratch/);
      // a missing file
      expect(await lessonCheckpointMessages(lessonConfig(charRnn), { text }, (m) => notices.push(m), '/elsewhere/')).toEqual([]);
      expect(notices[notices.length - 1]).toMatch(/could not be loaded \(HTTP 404\); training from scratch/);
      // a lesson without a checkpoint asks for nothing
      expect(await lessonCheckpointMessages({ ...lessonConfig(charRnn), preset: '' }, { text }, (m) => notices.push(m), '/base/')).toEqual([]);
      expect(asked).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('its units follow the text: a cell unit tracks the bracket depth with |r| ≥ 0.6 on the probe passages, a fresh network\'s best does not', async () => {
    const model = readCheckpoint();
    const engine = new CpuEngine();
    await engine.init(model.spec, model.params);
    const trained = await unitsOnPassages(engine);
    const fresh = await Trainer.create(new CpuEngine(), config, task);
    const untrained = await unitsOnPassages(fresh.engine);
    console.log(`checkpoint over ${trained.chars} characters of ${probePassages(task).length} passages\n  cells: ${table(trained.cells)}\n  hidden: ${table(trained.hidden)}`);
    console.log(`fresh network (seed 1)\n  cells: ${table(untrained.cells)}\n  hidden: ${table(untrained.hidden)}`);
    expect(Math.abs(best(trained.cells, 'depth').r)).toBeGreaterThanOrEqual(0.6);
    expect(Math.abs(best(trained.hidden, 'depth').r)).toBeGreaterThanOrEqual(0.6);
    expect(Math.abs(best(trained.cells, 'quote').r)).toBeGreaterThanOrEqual(0.6);
    // the units the lesson's card names
    expect(best(trained.cells, 'depth').unit).toBe(29);
    expect(best(trained.cells, 'quote').unit).toBe(1);
    expect(Math.abs(best(untrained.cells, 'quote').r)).toBeLessThan(0.6);
    expect(Math.abs(best(untrained.cells, 'depth').r)).toBeLessThan(0.6);
    expect(Math.abs(best(untrained.hidden, 'depth').r)).toBeLessThan(0.6);
    engine.dispose();
    fresh.dispose();
  });

  test('the claim holds from scratch within the lesson\'s budget, and at the first validation from the checkpoint', async () => {
    const trainer = await Trainer.create(new CpuEngine(), config, task);
    const evidence = new Evidence(charRnn.targets);
    expect(charRnn.claim(evidence).status).toBe('pending');
    while (trainer.step < charRnn.budget) evidence.add(await trainer.stepOnce());
    const verdict = charRnn.claim(evidence);
    console.log(`from scratch, step ${trainer.step}: ${verdict.text}`);
    expect(verdict.status).toBe('holds');

    const model = readCheckpoint();
    await trainer.restore(model.params, null, model.step ?? 0); // as the page's loadModel does
    const resumed = new Evidence(charRnn.targets);
    while (resumed.metric === null) resumed.add(await trainer.stepOnce());
    const again = charRnn.claim(resumed);
    console.log(`from the checkpoint, step ${trainer.step}: ${again.text}`);
    expect(again.status).toBe('holds');
    // the page plays on after loading (with a fresh optimiser): the depth unit is still there
    const after = await unitsOnPassages(trainer.engine);
    console.log(`from the checkpoint, step ${trainer.step}, cells: ${table(after.cells)}`);
    expect(Math.abs(best(after.cells, 'depth').r)).toBeGreaterThanOrEqual(0.6);
    trainer.dispose();
  }, 120_000);
});
