// What a figure's live numbers say of the paper's finding, shown under the figure as the lesson cards show theirs:
// pending until the numbers can tell, then agrees or differs, in a sentence that names the numbers.
export interface FigureVerdict {
  status: 'pending' | 'agrees' | 'differs';
  text: string;
}
