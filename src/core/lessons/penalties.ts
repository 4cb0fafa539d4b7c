// Lesson: penalties. Pascanu, Mikolov & Bengio's Ω asks every step back to preserve the norm of the error;
// L2 keeps the weights small. Compared here on the vanishing setting.
import { flowWords } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';

export const penalties: Lesson = {
  id: 'penalties',
  title: 'Penalties: L2 and Pascanu’s Ω',
  config: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 1, init: 'orthogonal', opt: 'sgd', lr: 0.05, clip: 'norm', clipAt: 1, omega: 2 },
  question: 'A penalty can ask the network to keep the error’s size as it travels back in time. Will the profile flatten while it trains?',
  lookAt: { charts: ['gradient-flow', 'heatmap'], text: 'The profile’s factor per step back, at the start and now.' },
  explanation:
    'Ω = Σ_t (‖∂L/∂h_{t+1} · ∂h_{t+1}/∂h_t‖ / ‖∂L/∂h_{t+1}‖ − 1)² is zero when every step back keeps the error’s norm. Its gradient, taken with ∂L/∂h held fixed as in the paper, pushes W_rec towards that.',
  tryThis: 'Set Ω to 0 and reset to compare the profile after the same number of steps; add L2 and watch σ_max shrink.',
  papers: [PAPERS.pascanu2013],
  budget: 500,
  claim(e) {
    const first = e.firstFlow;
    const now = e.latestFlow;
    if (!first || !now) return { status: 'pending', text: 'not yet: press play' };
    const flatter = Math.abs(now.decadesAcross) < 0.5 * Math.abs(first.decadesAcross);
    const text = `at step 1 ${flowWords(first)}; now ${flowWords(now)}`;
    if (flatter) return { status: 'holds', text: `${text}: Ω flattened the profile` };
    return { status: e.step < this.budget ? 'pending' : 'contradicted', text };
  },
};
