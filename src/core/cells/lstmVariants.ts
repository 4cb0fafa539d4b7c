// The LSTM variants of Greff et al. (2017) and the switches each turns into; the LSTM cell reads only the switches.
/**
 * LSTM variants of Greff et al. (2017), "LSTM: A Search Space Odyssey".
 * `none` is PyTorch's nn.LSTM (no peepholes). `vanilla` is Greff's V: PyTorch's LSTM plus peepholes.
 * Every other variant is V with one change (so they all have peepholes, except NP).
 */
export const LSTM_VARIANTS = ['none', 'vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'] as const;
export type LstmVariant = (typeof LSTM_VARIANTS)[number];

/** The switches a variant turns into. The cell code reads only these. */
export interface LstmFlags {
  peepholes: boolean; // i, f look at c_{t-1}; o looks at c_t (diagonal weights)
  inputGate: boolean; // false: i = 1 (NIG)
  forgetGate: boolean; // false: f = 1 (NFG)
  outputGate: boolean; // false: o = 1 (NOG)
  inputActivation: boolean; // false: g = pre-activation, no tanh (NIAF)
  outputActivation: boolean; // false: h = o ⊙ c, no tanh (NOAF)
  coupled: boolean; // true: f = 1 − i (CIFG)
  fullGateRecurrence: boolean; // true: i, f, o also see i, f, o of t−1 (FGR)
}

export function lstmFlags(variant: LstmVariant): LstmFlags {
  const base: LstmFlags = {
    peepholes: variant !== 'none' && variant !== 'np',
    inputGate: true,
    forgetGate: true,
    outputGate: true,
    inputActivation: true,
    outputActivation: true,
    coupled: false,
    fullGateRecurrence: false,
  };
  switch (variant) {
    case 'nig': return { ...base, inputGate: false };
    case 'nfg': return { ...base, forgetGate: false };
    case 'nog': return { ...base, outputGate: false };
    case 'niaf': return { ...base, inputActivation: false };
    case 'noaf': return { ...base, outputActivation: false };
    case 'cifg': return { ...base, coupled: true };
    case 'fgr': return { ...base, fullGateRecurrence: true };
    default: return base;
  }
}
