// Named Configs for the lessons the page is built for. Each is a plain Config (defaults + overrides)
// with a two-sentence card and one thing to try.
import { defaultConfig, type Config } from '../core/config';
import type { Contestant } from '../core/inspect/race';

export interface Preset {
  id: string;
  title: string;
  overrides: Partial<Config>;
  explanation: string; // two sentences
  tryThis: string;
  /** A race the lab starts when it is opened on this preset (same data and seed). */
  race?: Contestant[];
}

export const PRESETS: Preset[] = [
  {
    id: 'vanishing',
    title: 'Vanishing gradients',
    // plain SGD (clipped, so dragging W_rec up is safe): Adam would rescale the tiny gradients and
    // reshape W_rec within a few steps, hiding the effect the slider is meant to show
    overrides: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 0.5, init: 'orthogonal', opt: 'sgd', lr: 0.05, clip: 'norm', clipAt: 1 },
    explanation:
      'A tanh RNN whose recurrent matrix has largest singular value 0.5 multiplies the error by at most 0.5 at every step back in time. After 50 steps almost nothing is left of ∂L/∂h_t near t = 0, so the network cannot learn that the two marked numbers early in the sequence matter.',
    tryThis: 'Drag W_rec past 1 while it trains and watch the gradient profile tilt the other way.',
  },
  {
    id: 'exploding',
    title: 'Exploding gradients',
    overrides: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 3, init: 'orthogonal', clip: 'none', opt: 'sgd', lr: 0.1 },
    explanation:
      'With W_rec at 3 the error can grow at every step back in time, and a single huge gradient throws plain SGD far off. Without clipping the run soon diverges and the page stops it at the last finite checkpoint.',
    tryThis: 'Let it diverge, rewind, then turn on clipping by norm and press play again.',
  },
  {
    id: 'clipping',
    title: 'Clipping rescues it',
    // W_rec 2 rather than 3: both diverge within a few unclipped SGD steps, but at 3 the clipped network
    // is so chaotic that it learns little in a lesson's time, while at 2 it visibly trains
    overrides: { task: 'adding', T: 50, cell: 'rnn_tanh', wrec: 2, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'sgd', lr: 0.1 },
    explanation:
      'With W_rec at 2 the gradient still explodes back in time, and without clipping this run diverges within a few steps of SGD. Here every gradient longer than 1 is scaled back to length 1 before the update, which keeps its direction and lets the loss fall steadily.',
    tryThis: 'Watch the clip markers on the gradient-norm chart, then set clipping to none and see it diverge.',
  },
  {
    id: 'lstm-long',
    title: 'LSTM bridges 100+ steps',
    overrides: { task: 'adding', T: 100, cell: 'lstm', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01 },
    explanation:
      'The LSTM cell state is updated additively, so the error flowing along c_t is multiplied by the forget gate rather than by W_rec. With forget gates near 1 the constant error carousel carries ∂L/∂c_t back over 100 steps where a tanh RNN loses it.',
    tryThis: 'At first the forget gates sit near 0.5 and ‖∂L/∂c_t‖ still fades; train a few thousand steps and watch it flatten as they open, then switch the cell to RNN (tanh).',
  },
  {
    id: 'gru-vs-lstm',
    title: 'GRU vs LSTM',
    overrides: { task: 'adding', T: 100, cell: 'gru', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01 },
    explanation:
      'A GRU merges the cell and hidden state and uses one update gate to interpolate between the old state and the new candidate. It has three gate blocks instead of four and often learns long lags as well as an LSTM.',
    tryThis: 'Note the steps needed to reach loss 0.01, then open the lab below to race GRU against LSTM on the same seed.',
    race: [
      { cell: 'gru', variant: 'none' },
      { cell: 'lstm', variant: 'none' },
    ],
  },
  {
    id: 'irnn',
    title: 'Identity initialisation',
    overrides: { task: 'adding', T: 50, cell: 'rnn_relu', wrec: 1, init: 'identity', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.001 },
    explanation:
      'Le, Jaitly and Hinton\'s IRNN starts a ReLU RNN with W_rec = I, so at first the state is simply carried forward and the error flows back undamped. Small changes to this starting point decide whether gradients vanish or explode.',
    tryThis: 'Move W_rec to 0.9 and 1.1 and compare the gradient profiles.',
  },
  {
    id: 'tbptt',
    title: 'Truncated BPTT',
    // an LSTM, so that what stops the learning is the truncation and not the cell
    overrides: { task: 'adding', T: 50, cell: 'lstm', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01, bptt: 'truncated', k1: 10, k2: 20 },
    explanation:
      'Truncated BPTT walks through the sequence 10 steps at a time and backpropagates each chunk\'s loss only 20 steps into the past. It is cheap and works for local patterns, but the adding problem\'s two marked numbers sit further back than 20 steps, so no gradient ever reaches them.',
    tryThis: 'Look at the gradient profile: it is zero beyond 20 steps back. Set backprop to full and watch the loss finally fall.',
  },
  {
    id: 'esn',
    title: 'Echo-state network',
    overrides: { task: 'mackey_glass', T: 100, cell: 'esn', H: 100, rho: 0.9, leak: 1, inScale: 1, wrec: 1, init: 'orthogonal', opt: 'adam', lr: 0.01, clip: 'none' },
    explanation:
      'An echo-state network never trains its recurrent weights: a fixed random reservoir, scaled to spectral radius ρ, echoes the input, and only the linear readout learns. Below ρ = 1 old inputs fade away; far above it the reservoir becomes chaotic and forgets its input.',
    tryThis: 'Pause, press "Fit readout (ridge)" for the one-shot least-squares readout, then move ρ to 0.5 and 1.5 and fit again.',
  },
  {
    id: 'greff',
    title: 'LSTM without a forget gate',
    overrides: { task: 'adding', T: 50, cell: 'lstm', variant: 'nfg', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01 },
    explanation:
      'Greff and colleagues (2017) removed one LSTM part at a time and found the forget gate and the output activation mattered most, while coupling the input and forget gates (CIFG) cost almost nothing. Without a forget gate the cell state can only grow, and the network has no way to clear what it no longer needs.',
    tryThis: 'Open "Lab: races and sweeps" below: it races the full LSTM, CIFG and this one on the same data and seed.',
    race: [
      { cell: 'lstm', variant: 'none' },
      { cell: 'lstm', variant: 'cifg' },
      { cell: 'lstm', variant: 'nfg' },
    ],
  },
  {
    id: 'char-code',
    title: 'Char-RNN on code',
    overrides: { task: 'char', corpus: 'code', T: 50, cell: 'lstm', H: 64, wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 5, opt: 'adam', lr: 0.005 },
    explanation:
      'An LSTM reads source code one character at a time and learns to predict the next one, as in Karpathy\'s char-rnn. Within a few hundred steps it learns spaces and line breaks, then keywords, brackets and indentation.',
    tryThis: 'Open "Inside the cell" and hover over units: look for one that switches on inside brackets or quotes.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The full Config of a preset: defaults, the page's seed, engine and classroom keys, then the preset's settings and id. */
export function presetConfig(preset: Preset, base: Config = defaultConfig()): Config {
  // the classroom keys belong to the page, not the lesson: a preset chosen in an embed stays embedded
  const page = { seed: base.seed, engine: base.engine, embed: base.embed, presenter: base.presenter, hide: base.hide };
  return { ...defaultConfig(), ...page, ...preset.overrides, preset: preset.id };
}
