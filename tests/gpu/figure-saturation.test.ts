// The gate saturation figure (core/figures/saturation.ts) on the WebGPU engine against the CPU engine: the shipped
// char checkpoint over the validation text, in windows of 500 characters, 8 per forward pass (as the page asks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/export/importModel';
import { gateSaturation, unitsRightSaturated, validationWindows } from '../../src/core/figures/saturation';
import { lessonConfig } from '../../src/core/lessons';
import { CHAR_CHECKPOINT, charRnn } from '../../src/core/lessons/charRnn';
import { createTask } from '../../src/core/tasks';
import type { CharTask } from '../../src/core/tasks/text';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import type { Engine } from '../../src/engine/engine';
import { enginePair } from './helpers';

const live: Engine[] = [];
afterAll(() => live.forEach((e) => e.dispose()));

describe('gate saturation on the WebGPU engine', () => {
  it('counts the same units as the CPU engine on the shipped checkpoint', async () => {
    const config = lessonConfig(charRnn);
    const task = createTask(config, { text: loadCorpusFromDisk(config.corpus) }) as CharTask;
    const read = importModel(new Uint8Array(readFileSync(join('public', CHAR_CHECKPOINT))));
    if (!read.ok) throw new Error(read.error);
    const { cpu, gpu } = await enginePair(read.model.spec, read.model.params);
    live.push(cpu, gpu);
    const batches = validationWindows(task);
    const onCpu = await gateSaturation((b) => cpu.forward(b), read.model.spec, batches);
    const onGpu = await gateSaturation((b) => gpu.forward(b), read.model.spec, batches);
    let worst = 0;
    onCpu.layers[0].gates.forEach((c, k) => {
      const g = onGpu.layers[0].gates[k];
      for (let j = 0; j < c.left.length; j++) worst = Math.max(worst, Math.abs(c.left[j] - g.left[j]), Math.abs(c.right[j] - g.right[j]));
    });
    console.log(`${gpu.kind} (${gpu.description}): largest difference of a unit's fraction from the CPU engine's ${worst}`);
    // measured (SwiftShader): identical fractions (difference 0); a gate value within float32 round-off of 0.1 or
    // 0.9 could fall on either side, so allow a few of the 20,000 per unit
    expect(worst).toBeLessThan(1e-3);
    for (const gate of ['f', 'i', 'o']) expect(unitsRightSaturated(onGpu, gate, 0.5)).toBe(unitsRightSaturated(onCpu, gate, 0.5));
  }, 120_000);
});
