// Lesson: echo-state networks. A fixed random reservoir at spectral radius ρ echoes the input; only the linear
// readout learns.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { againstChance, num } from './words';

const WELL_BELOW_CHANCE = 0.3;

export const echoState: Lesson = {
  id: 'esn',
  title: 'Echo-state network',
  config: { task: 'mackey_glass', T: 100, cell: 'esn', H: 100, rho: 0.9, leak: 1, inScale: 1, wrec: 1, init: 'orthogonal', opt: 'adam', lr: 0.01, clip: 'none' },
  question: 'If the recurrent weights are random and never trained, and only the readout learns, can the network still predict a chaotic series?',
  lookAt: { charts: ['loss', 'task'], text: 'The loss against persistence ("tomorrow equals today"), and the forecast.' },
  explanation:
    'The reservoir is drawn at random, scaled to spectral radius ρ, and left alone: its state echoes the recent inputs, fading at a rate set by ρ. Only the readout is trained, so there is no gradient through time to vanish or explode. Below ρ = 1 old inputs fade; far above it the reservoir turns chaotic and forgets its input.',
  tryThis: 'Pause, press "Fit readout (ridge)" for the one-shot least-squares readout, then move ρ to 0.5 and 1.5 and fit again.',
  papers: [PAPERS.jaeger2001],
  budget: 300, // measured: ×2.9–3.2 below persistence after 100 steps, past ×3.3 (0.3) by about 250
  claim(e) {
    if (e.best === null || !e.metric) return { status: 'pending', text: 'not yet: waiting for the first validation' };
    const where = `validation MSE ${num(e.best)}, ${againstChance(e.best, e.metric.chance, 'persistence')}`;
    return e.best <= WELL_BELOW_CHANCE * e.metric.chance
      ? { status: 'holds', text: `only the readout trains, and it predicts: ${where}` }
      : { status: 'pending', text: `not yet: ${where}` };
  },
};
