// Lesson: vanishing gradients. With σ_max(W_rec) below 1 a tanh RNN shrinks the error at every step back.
// The slider shows the live σ_max. A small learning rate keeps training from reshaping W_rec during the lesson,
// so a drag to 3 within the first 30 s reads "exploding" and stays so for the next 20 s at the lesson's pace
// (tests/unit/lessons.test.ts). Measured: at lr 0.001 a drag after 1,000 steps read "vanishing" for 1 seed in 4
// (training had reshaped W_rec's spectrum); `hold` keeps σ_max fixed but squeezes the rest of the spectrum.
import { flowWords } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

export const vanishing: Lesson = {
  id: 'vanishing',
  title: 'Vanishing gradients',
  // plain SGD (clipped, so dragging W_rec up is safe): Adam would rescale the tiny gradients
  config: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 0.5, init: 'orthogonal', opt: 'sgd', lr: 0.0003, clip: 'norm', clipAt: 1 },
  stepsPerSecond: 50, // 20 s of class = 1,000 steps, the span the slider test covers
  question: 'The recurrent matrix has largest singular value 0.5. After 50 steps back in time, how much of the error signal is left?',
  lookAt: { charts: ['wrec', 'gradient-flow', 'heatmap'], text: 'The gradient profile ‖∂L/∂h_t‖ on its log axis, and its factor per step back.' },
  explanation:
    'Each step back multiplies the error by W_hhᵀ and by tanh′ ≤ 1, so with σ_max < 1 it shrinks at least geometrically: after 50 steps almost nothing reaches the marked numbers. The slider shows the network’s live σ_max; the learning rate is small, so training barely moves it during the lesson.',
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
