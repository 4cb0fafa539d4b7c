// Lesson: exploding gradients. With σ_max(W_rec) = 3 the error grows at every step back; the first gradient is
// already millions long, and the Trainer stops the run on that step, before the update is made.
import { flowWords } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

export const exploding: Lesson = {
  id: 'exploding',
  title: 'Exploding gradients',
  config: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 3, init: 'orthogonal', clip: 'none', opt: 'sgd', lr: 0.1 },
  question: 'Now σ_max(W_rec) = 3. What will the first gradient look like, and what would one step of SGD along it do?',
  lookAt: { charts: ['gradient-flow', 'grad-norm'], text: 'The profile of the step the run stopped at, and the gradient norm.' },
  explanation:
    'Each step back can multiply the error by up to 3, so ∂L/∂h_0 is about a million times ∂L/∂h_49 and the gradient is millions long. The run stops on that step without making the update: one SGD step along it would throw σ_max from 3 to tens of thousands (Rewind, then press Step with clipping off to see it).',
  tryThis: 'Turn on clipping by norm (the next lesson), reset, and press play again.',
  papers: [PAPERS.pascanu2013, PAPERS.bengio1994],
  budget: 5,
  claim(e) {
    const d = e.divergence;
    if (!d) {
      const flow = e.latestFlow;
      return { status: 'pending', text: flow ? `no exploding step yet; ${flowWords(flow)}` : 'not yet: press play' };
    }
    const grows = d.flow.verdict === 'exploding' || d.flow.verdict === 'overflow';
    const text = `the gradient exploded at step ${d.step} (norm ${num(d.gradNorm)}): ${flowWords(d.flow)}`;
    return { status: grows ? 'holds' : 'contradicted', text: grows ? `${text}; the update was not made` : text };
  },
};
