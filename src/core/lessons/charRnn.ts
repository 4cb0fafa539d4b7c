// Lesson: char-RNN and interpretable cells. An LSTM trained only to predict the next character of a text full
// of nested brackets, strings and wrapped lines; some of its units come to follow those structures (Karpathy,
// Johnson & Fei-Fei 2015). It opens from a checkpoint the project's own CLI trained
// (scripts/train-char-checkpoint.mjs), so the units show at once; Reset trains the same network from scratch.
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

/**
 * The checkpoint the lesson opens with, relative to the site's base URL (public/checkpoints/): the lesson's
 * Config with seed 1 trained for CHAR_CHECKPOINT_STEPS steps by `rnnlab train` on the CPU engine.
 */
export const CHAR_CHECKPOINT = 'checkpoints/char-grammar-lstm64.safetensors';
export const CHAR_CHECKPOINT_STEPS = 2000;

/** The claim: fewer than half the bits per character that the character frequencies alone need. */
const OF_CHANCE = 0.5;

export const charRnn: Lesson = {
  id: 'char',
  title: 'Char-RNN: interpretable cells',
  config: { task: 'char', corpus: 'grammar', T: 50, B: 16, cell: 'lstm', variant: 'none', H: 64, layers: 1, init: 'orthogonal', bias: 'default', wrec: 1, opt: 'adam', lr: 0.005, clip: 'norm', clipAt: 5 },
  question:
    'Trained only to guess the next character, will one of its 64 units come to track the bracket depth, or being inside a string, without being told to?',
  lookAt: {
    charts: ['inside', 'task'],
    text: '"Inside the cell": the units that track a feature of the text (pick a passage; hover a unit to colour the text by it).',
  },
  explanation:
    'The text is generated: statements of nested ( [ { brackets, quoted strings and lines wrapped at 60 characters, continuation lines indented by their depth. To guess the next character the network has to carry, in its state, how deep it is and whether a string is open; nobody tells it to. In the checkpoint it opens with (2,000 steps of the CLI), cell unit 29 follows the bracket depth (r = 0.85 over the six passages of validation text) and cell unit 1 switches off inside strings (r = −0.63); the same network freshly initialised has no unit above |r| = 0.32 for either.',
  tryThis: 'Hover the depth unit: it steps up at each opening bracket. Then press Reset to train from scratch and watch for one to appear.',
  papers: [PAPERS.karpathy2015, PAPERS.karpathy2015b],
  budget: 200,
  claim(e) {
    if (e.best === null || !e.metric) return { status: 'pending', text: 'not yet: waiting for the first validation' };
    const chance = e.metric.chance;
    const where = `${num(e.best)} bits per character on validation, against ${num(chance)} from character frequencies alone`;
    return e.best <= OF_CHANCE * chance
      ? { status: 'holds', text: `it predicts the next character: ${where}` }
      : { status: 'pending', text: `not yet: ${where}` };
  },
};
