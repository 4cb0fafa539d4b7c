// Lesson: the recurrent net. A tanh RNN carries a state from step to step, so it can remember: here, two
// marked numbers among ten, added at the end.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { againstChance, num } from './words';

const TARGET = 0.05; // MSE: a third of chance (1/6)

export const recurrentNet: Lesson = {
  id: 'rnn',
  title: 'The recurrent net',
  config: { task: 'adding', T: 10, cell: 'rnn_tanh', H: 32, wrec: 1, init: 'orthogonal', opt: 'adam', lr: 0.01, clip: 'none' },
  question: 'Ten numbers arrive one at a time; two are marked. Can a network that sees one number per step output the sum of the marked two at the end?',
  lookAt: { charts: ['loss', 'task'], text: 'The loss against the chance line (always answering 1 scores MSE 0.167), and the task view.' },
  explanation:
    'h_t = tanh(W_ih x_t + W_hh h_{t−1} + b): the same weights at every step, and a state that carries what the net has seen. Trained by backpropagation through time, it learns to keep the marked numbers in that state.',
  tryThis: 'Note the step at which the loss crosses 0.05, then open the next lesson: the same task with 50 steps instead of 10.',
  papers: [PAPERS.elman1990, PAPERS.williams1990],
  budget: 1000,
  targets: [TARGET],
  claim(e) {
    if (e.best === null || !e.metric) return { status: 'pending', text: 'not yet: waiting for the first validation' };
    const reached = e.reachedAt.get(TARGET);
    if (reached !== undefined) return { status: 'holds', text: `it remembers: validation MSE ${num(e.best)}, ${againstChance(e.best, e.metric.chance)}, below ${TARGET} since step ${reached}` };
    return { status: 'pending', text: `not yet: validation MSE ${num(e.best)}, ${againstChance(e.best, e.metric.chance)}` };
  },
};
