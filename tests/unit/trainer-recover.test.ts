// Trainer.recoverOnto: the run moves to a fresh engine from its newest checkpoint when the old engine
// can no longer be read (what the worker does when the GPU device is lost).
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { createTask } from '../../src/core/tasks';
import type { Batch } from '../../src/core/batch';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions } from '../../src/engine/engine';
import { Trainer } from '../../src/train/trainer';

/** A CPU engine that fails like a lost GPU device once `lose()` is called. */
class LosableEngine extends CpuEngine {
  lost = false;
  disposed = false;
  lose(): void {
    this.lost = true;
  }
  private check(): void {
    if (this.lost) throw new Error('WebGPU device lost (destroyed): test');
  }
  override async step(batch: Batch, opts: StepOptions, wantGrads?: boolean) {
    this.check();
    return super.step(batch, opts, wantGrads);
  }
  override async readParams() {
    this.check();
    return super.readParams();
  }
  override async readCheckpoint() {
    this.check();
    return super.readCheckpoint();
  }
  override dispose(): void {
    this.disposed = true;
    super.dispose();
  }
}

const config: Config = { ...defaultConfig(), task: 'adding', T: 8, B: 8, H: 6, cell: 'rnn_tanh' };

describe('Trainer.recoverOnto', () => {
  it('resumes from the newest checkpoint on a new engine after the old one is lost', async () => {
    const losable = new LosableEngine();
    const trainer = await Trainer.create(losable, config, createTask(config), { checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) await trainer.stepOnce();
    losable.lose();
    await expect(trainer.stepOnce()).rejects.toThrow(/device lost/);

    // the reference: the same run stopped at the checkpoint's step (8)
    const reference = await Trainer.create(new CpuEngine(), config, createTask(config), { checkpointEvery: 4 });
    for (let i = 0; i < 8; i++) await reference.stepOnce();

    const fresh = new CpuEngine();
    const step = await trainer.recoverOnto(fresh);
    expect(step).toBe(8);
    expect(trainer.step).toBe(8);
    expect(trainer.engine).toBe(fresh);
    expect(losable.disposed).toBe(true);
    expect(Array.from(await trainer.readParams())).toEqual(Array.from(await reference.readParams()));

    const frame = await trainer.stepOnce();
    expect(frame.step).toBe(9);
    expect(Number.isFinite(frame.loss)).toBe(true);
    trainer.dispose();
    reference.dispose();
  });
});
