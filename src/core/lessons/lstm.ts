// Lesson: LSTM and the constant error carousel. The cell state is updated additively, so the error flowing
// back along c_t is multiplied by the forget gate rather than by W_rec; with forget gates open from the
// start (b_f = 1, Gers et al.; Jozefowicz et al.), the carousel carries ∂L/∂c_t back over 100 steps.
import { carriedToStart } from './evidence';
import { PAPERS } from './papers';
import type { Lesson } from './types';
import { num } from './words';

const CARRIES = 0.1; // ‖∂L/∂c_0‖ / max_t ‖∂L/∂c_t‖ at step 1

export const lstm: Lesson = {
  id: 'lstm',
  title: 'LSTM: the constant error carousel',
  config: { task: 'adding', T: 100, cell: 'lstm', H: 32, bias: 'chrono', wrec: 1, init: 'orthogonal', clip: 'norm', clipAt: 1, opt: 'adam', lr: 0.01 },
  question: 'The marked numbers are now up to 100 steps back. Does the error reach them through the cell state c_t?',
  lookAt: { charts: ['gradient-flow', 'inside'], text: 'The dashed ‖∂L/∂c_t‖ line next to ‖∂L/∂h_t‖, and the forget gates in "Inside the cell".' },
  explanation:
    'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: along the cell state the error is multiplied only by the forget gate f_t. With forget gates that start open (chrono initialisation: b_f drawn so that the cells remember over 1 to T steps), ∂L/∂c_t reaches step 0 from the first step on.',
  tryThis: 'Set the gate biases to "default" (this initialiser’s b_f = 1, so f ≈ 0.73) and reset: 0.73 per step fades the carousel to about 10⁻⁸ over 100 steps, and the loss stays near chance far longer.',
  papers: [PAPERS.hochreiter1997, PAPERS.gers2000, PAPERS.olah2015, PAPERS.tallec2018],
  budget: 1,
  claim(e) {
    const dc = e.first?.dcNormTop;
    if (!dc) return { status: 'pending', text: 'not yet: press play (an LSTM shows ‖∂L/∂c_t‖)' };
    const carried = carriedToStart(dc);
    const text = `at step 1, ‖∂L/∂c_0‖ is ${num(carried)} of the largest ‖∂L/∂c_t‖`;
    return carried >= CARRIES
      ? { status: 'holds', text: `${text}: the carousel carries the error back ${dc.length} steps` }
      : { status: 'contradicted', text: `${text}: the error fades along the cell state` };
  },
};
