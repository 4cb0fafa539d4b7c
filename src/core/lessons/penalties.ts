// Lesson: penalties. Pascanu, Mikolov & Bengio's Ω asks every step back to preserve the norm of the error.
// Measured here (`rnnlab lessons --only penalties`): with Ω = 2 it pushes σ_max(W_rec) from 1 to about 5 and
// the error's factor per step back from ×0.89 towards 1; the same run without Ω stays near σ_max 1.2, ×0.85.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

const FLATTER = 0.03; // the smoothed factor per step back rises at least this much above step 1's
const PUSHED = 2; // σ_max at least doubles

export const penalties: Lesson = {
  id: 'penalties',
  title: 'Penalties: Pascanu’s Ω (and L2)',
  config: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 1, init: 'orthogonal', opt: 'sgd', lr: 0.05, clip: 'norm', clipAt: 1, omega: 2 },
  question: 'A penalty can reward the network for keeping the error’s size as it travels back in time. What will it do to W_rec, and to the profile?',
  lookAt: { charts: ['gradient-flow', 'sigma', 'wrec'], text: 'σ_max over training, and the profile’s factor per step back.' },
  explanation:
    'Ω = Σ_t (‖∂L/∂h_{t+1} · ∂h_{t+1}/∂h_t‖ / ‖∂L/∂h_{t+1}‖ − 1)² is zero when every step back keeps the error’s norm; its gradient (with ∂L/∂h held fixed, as in the paper) pushes W_rec up until the error fades less. Pushing W_rec up courts explosion, which is why Pascanu et al. use Ω together with clipping (on here). L2, λ/2·‖W‖², pulls the weights the other way.',
  tryThis: 'Set Ω to 0 and reset: σ_max then stays near 1 and the profile keeps shrinking about ×0.85 per step back. Then try L2 = 0.01 and watch σ_max.',
  papers: [PAPERS.pascanu2013],
  budget: 1000,
  claim(e) {
    const first = e.firstFlow;
    const s0 = e.first?.sigmaMax[0];
    const s = e.latest?.sigmaMax[0];
    if (!first || s0 === undefined || s === undefined || !Number.isFinite(e.smoothedFactor)) return { status: 'pending', text: 'not yet: press play' };
    const text = `σ_max ${num(s0)} → ${num(s)}; the error's factor per step back ×${num(first.factorPerStepBack)} at step 1, ×${num(e.smoothedFactor)} now (averaged)`;
    const held = s >= PUSHED * s0 && e.smoothedFactor >= first.factorPerStepBack + FLATTER;
    if (held) return { status: 'holds', text: `${text}: Ω pushed W_rec up and the error fades less` };
    return { status: e.step < this.budget ? 'pending' : 'contradicted', text };
  },
};
