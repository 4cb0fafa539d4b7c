// Named Configs for the lessons the page is built for. Each is a plain Config (defaults + overrides)
// with a two-sentence card and one thing to try.
import { defaultConfig, type Config } from '../core/config';

export interface Preset {
  id: string;
  title: string;
  overrides: Partial<Config>;
  explanation: string; // two sentences
  tryThis: string;
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
    tryThis: 'Compare ‖∂L/∂c_t‖ with ‖∂L/∂h_t‖, then switch the cell to rnn_tanh.',
  },
  {
    id: 'gru-vs-lstm',
    title: 'GRU vs LSTM',
    overrides: { task: 'adding', T: 100, cell: 'gru', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01 },
    explanation:
      'A GRU merges the cell and hidden state and uses one update gate to interpolate between the old state and the new candidate. It has three gate blocks instead of four and often learns long lags as well as an LSTM.',
    tryThis: 'Note the steps needed to reach loss 0.01, then switch the cell to lstm with the same seed.',
  },
  {
    id: 'irnn',
    title: 'Identity initialisation',
    overrides: { task: 'adding', T: 50, cell: 'rnn_relu', wrec: 1, init: 'identity', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.001 },
    explanation:
      'Le, Jaitly and Hinton\'s IRNN starts a ReLU RNN with W_rec = I, so at first the state is simply carried forward and the error flows back undamped. Small changes to this starting point decide whether gradients vanish or explode.',
    tryThis: 'Move W_rec to 0.9 and 1.1 and compare the gradient profiles.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The full Config of a preset: defaults, then the preset's settings, then its id. */
export function presetConfig(preset: Preset, base: Config = defaultConfig()): Config {
  return { ...defaultConfig(), seed: base.seed, engine: base.engine, ...preset.overrides, preset: preset.id };
}
