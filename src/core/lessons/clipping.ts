// Lesson: gradient clipping. The same exploding network, with every gradient longer than 1 scaled back to
// length 1: unclipped, this run diverges within a few steps; clipped, it learns the sine.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { againstChance, num } from './words';

const WELL_BELOW_CHANCE = 0.5; // best validation MSE at most half of persistence's

export const clipping: Lesson = {
  id: 'clipping',
  title: 'Gradient clipping',
  config: { task: 'sine', T: 50, cell: 'rnn_tanh', wrec: 2, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'sgd', lr: 0.1 },
  question: 'W_rec = 2: the gradient still explodes back in time. If every gradient longer than 1 is scaled back to length 1 before the update, can plain SGD learn?',
  lookAt: { charts: ['grad-norm', 'loss', 'gradient-flow'], text: 'The clip markers on the gradient-norm chart, and the loss against the persistence line.' },
  explanation:
    'Clipping by norm keeps the gradient’s direction and caps its length, so one huge gradient can no longer throw the weights off the cliff. The profile still grows back in time; the updates are simply bounded. Without clipping, this very run diverges within about 35 steps (9 of 10 seeds).',
  tryThis: 'Set clipping to none, reset, and watch the run stop on an exploding gradient.',
  papers: [PAPERS.pascanu2013],
  budget: 600,
  claim(e) {
    const diverged = e.divergence;
    if (diverged) return { status: 'contradicted', text: `the run diverged at step ${diverged.step}` };
    if (e.best === null || !e.metric) return { status: 'pending', text: 'not yet: waiting for the first validation' };
    const clipped = `${e.clippedSteps} of ${e.step} steps clipped`;
    const where = `validation MSE ${num(e.best)}, ${againstChance(e.best, e.metric.chance, 'persistence')}`;
    return e.best <= WELL_BELOW_CHANCE * e.metric.chance
      ? { status: 'holds', text: `it learns: ${where}; ${clipped}, none diverged` }
      : { status: 'pending', text: `not yet: ${where}; ${clipped}` };
  },
};
