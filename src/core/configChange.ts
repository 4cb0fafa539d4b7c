// What a settings change means for a running session: some settings can be changed on the live
// network (the W_rec scale, the ESN spectral radius, the learning rate, the engine, the step options), the rest define a
// different network or data stream and need a rebuild from step 0.
import type { Config } from './config';

/** Settings that define the model, its data, its initialisation or its optimiser state: changing one restarts the run. */
export const REBUILD_KEYS = ['seed', 'task', 'T', 'corpus', 'cell', 'variant', 'H', 'layers', 'init', 'bias', 'leak', 'inScale', 'B', 'opt'] as const;
/** Settings read by every optimiser step (and `hold`, applied after it): applied to the live run. */
export const STEP_OPTION_KEYS = ['mom', 'clip', 'clipAt', 'l2', 'omega', 'bptt', 'k1', 'k2', 'hold'] as const;

export interface ConfigChange {
  rebuild: boolean;
  wrec: number | null; // new W_rec scale to apply to the live weights
  lr: number | null;
  rho: number | null; // new ESN spectral radius, applied to the live reservoir
  engine: Config['engine'] | null;
  stepOptions: boolean; // clip / optimiser / penalty / BPTT settings changed
  steps: number | null; // new stop-after-N-steps target
}

export function classifyChange(prev: Config, next: Config): ConfigChange {
  const changed = (key: keyof Config) => prev[key] !== next[key];
  return {
    rebuild: REBUILD_KEYS.some(changed),
    wrec: changed('wrec') ? next.wrec : null,
    lr: changed('lr') ? next.lr : null,
    rho: changed('rho') ? next.rho : null,
    engine: changed('engine') ? next.engine : null,
    stepOptions: STEP_OPTION_KEYS.some(changed),
    steps: changed('steps') ? next.steps : null,
  };
}

/**
 * Whether two Configs are settings of the same run: none of the keys that restart it differ (a change between
 * them is applied to the live run). A saved run or a checkpoint of one therefore belongs to the other.
 */
export function sameRun(a: Config, b: Config): boolean {
  return REBUILD_KEYS.every((key) => a[key] === b[key]);
}
