// Okabe & Ito's colour-blind-safe palette: every pair stays distinguishable for the common colour
// vision deficiencies, and each has enough contrast on the light page background.
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  vermilion: '#D55E00',
  green: '#009E73',
  sky: '#56B4E9',
  purple: '#CC79A7',
  black: '#222222',
  grey: '#8a8f98',
} as const;

/** One colour per layer (bottom first) for ‖∂L/∂h_t‖; ‖∂L/∂c_t‖ uses the same hue dashed. */
export const LAYER_COLORS = [PALETTE.blue, PALETTE.vermilion, PALETTE.green];

/** The page's muted ink (--muted in styles.css) for text drawn in charts: 5.9:1 on white, where Recharts' default
 * #808080 for axis titles is 3.9:1, under WCAG AA for small text. */
export const MUTED_INK = '#5b6472';
