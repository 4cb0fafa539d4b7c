// Lesson: truncated BPTT. The loss of each chunk is backpropagated only k2 steps, so the gradient never
// reaches the informative symbols of the temporal-order task, which sit more than k2 steps before the end.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

const SOLVED = 0.95; // accuracy that full BPTT reaches within the budget on the same seed
const FAR_FROM_SOLVED = 0.8;

export const truncatedBptt: Lesson = {
  id: 'tbptt',
  title: 'Truncated BPTT',
  // an LSTM, so that what holds the learning back is the truncation and not the cell
  config: { task: 'temporal_order', T: 30, cell: 'lstm', H: 32, wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01, bptt: 'truncated', k1: 5, k2: 5 },
  question: 'Backprop now runs only 5 steps into the past, but the two symbols that decide the answer come 11 or more steps before the end. Can the network still learn their order?',
  lookAt: { charts: ['gradient-flow', 'task'], text: 'The profile: zero beyond 5 steps back. And the accuracy against full BPTT.' },
  explanation:
    'Truncated BPTT(k1, k2) consumes the sequence 5 steps at a time and backpropagates each chunk’s loss 5 steps, which is cheap. Here only the last step is scored, so no gradient ever reaches the X/Y symbols: what the net keeps of them is whatever its recurrence happens to carry forward, and it stays far from solving the task, while full BPTT on the same seed solves it within 800 steps.',
  tryThis: 'Set backprop to full, reset, and watch the accuracy reach 100%.',
  papers: [PAPERS.williams1990, PAPERS.sutskever2013],
  budget: 800,
  claim(e) {
    const flow = e.latestFlow;
    const T = e.latest?.dhNormTop.length ?? 0;
    if (!flow || e.best === null) return { status: 'pending', text: 'not yet: waiting for the first validation' };
    const reached = T - flow.zeros;
    const cut = `‖∂L/∂h_t‖ is zero beyond ${reached} steps back (${flow.zeros} of ${T} steps get no gradient)`;
    if (e.best >= SOLVED) return { status: 'contradicted', text: `${cut}, yet the accuracy reached ${num(100 * e.best)}%` };
    if (e.step < this.budget) return { status: 'pending', text: `${cut}; accuracy ${num(100 * e.best)}% so far (chance 25%)` };
    return e.best < FAR_FROM_SOLVED
      ? { status: 'holds', text: `${cut}, and after ${e.step} steps the accuracy is ${num(100 * e.best)}% (chance 25%; full BPTT solves it)` }
      : { status: 'contradicted', text: `${cut}, yet the accuracy reached ${num(100 * e.best)}%` };
  },
};
