// Lesson: vanishing gradients. With σ_max(W_rec) below 1 a tanh RNN shrinks the error at every step back.
// W_rec is held at the slider's value while it trains, so the slider and the profile always agree.
import { flowWords } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

export const vanishing: Lesson = {
  id: 'vanishing',
  title: 'Vanishing gradients',
  // plain SGD (clipped, so dragging W_rec up is safe): Adam would rescale the tiny gradients
  config: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 0.5, hold: true, init: 'orthogonal', opt: 'sgd', lr: 0.05, clip: 'norm', clipAt: 1 },
  question: 'The recurrent matrix has largest singular value 0.5. After 50 steps back in time, how much of the error signal is left?',
  lookAt: { charts: ['wrec', 'gradient-flow', 'heatmap'], text: 'The gradient profile ‖∂L/∂h_t‖ on its log axis, and its factor per step back.' },
  explanation:
    'Each step back multiplies the error by W_hhᵀ and by tanh′ ≤ 1, so with σ_max < 1 it shrinks at least geometrically: after 50 steps almost nothing reaches the marked numbers. W_rec is held at the slider while the net trains (re-projected after every update), so what the slider says is what the network has.',
  tryThis: 'Drag W_rec to 3 while it trains: the profile tilts the other way and the verdict reads "exploding".',
  papers: [PAPERS.hochreiter1991, PAPERS.bengio1994],
  budget: 1,
  claim(e) {
    const flow = e.latestFlow;
    const sigma = e.latest?.sigmaMax[0];
    if (!flow || sigma === undefined) return { status: 'pending', text: 'not yet: press play' };
    const words = flowWords(flow);
    const expected = sigma < 1 ? 'vanishing' : 'exploding';
    const sigmaText = `σ_max = ${num(sigma)}`;
    if (flow.verdict === expected || (expected === 'vanishing' && !Number.isFinite(flow.slope) && flow.zeros > 0)) {
      const why = expected === 'vanishing' ? 'as Bengio et al. predict for σ_max < 1' : 'σ_max > 1 lets it grow';
      return { status: 'holds', text: `${words}, ${why} (${sigmaText})` };
    }
    return { status: 'contradicted', text: `${words}, although ${sigmaText}` };
  },
};
