// Lesson: initialisation. Le, Jaitly & Hinton's IRNN starts a ReLU RNN at W_hh = I, where the error passes
// back undamped.
import { flowWords } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';

export const identityInit: Lesson = {
  id: 'irnn',
  title: 'Initialisation: identity and orthogonal',
  config: { task: 'adding', T: 50, cell: 'rnn_relu', wrec: 1, init: 'identity', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.001 },
  question: 'If W_hh starts as the identity and the units are ReLUs, what happens to the error on its way back 50 steps?',
  lookAt: { charts: ['gradient-flow', 'sigma'], text: 'The profile at step 1: flat, neither falling nor rising.' },
  explanation:
    'With W_hh = I and ReLU units that are on, each step back multiplies the error by the identity: it keeps its size over all 50 steps. An orthogonal W_hh does the same for a linear net (Saxe et al.). The start is right; learning the task still takes thousands of steps.',
  tryThis: 'Move W_rec to 0.9 and 1.1 and compare the profiles: a small change of scale decides between vanishing and exploding.',
  papers: [PAPERS.le2015, PAPERS.saxe2014],
  budget: 1,
  claim(e) {
    const flow = e.firstFlow;
    if (!flow) return { status: 'pending', text: 'not yet: press play' };
    const factor = flow.factorPerStepBack;
    const flat = Number.isFinite(factor) && factor > 0.97 && factor < 1.03;
    return flat
      ? { status: 'holds', text: `at initialisation ${flowWords(flow)}: the identity passes it back undamped` }
      : { status: 'contradicted', text: `at initialisation ${flowWords(flow)}, not flat` };
  },
};
