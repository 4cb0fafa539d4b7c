// The papers the lessons cite, once each.
import type { Paper } from './types';

export const PAPERS = {
  elman1990: { cite: 'Elman 1990', title: 'Finding structure in time', url: 'https://doi.org/10.1207/s15516709cog1402_1' },
  hochreiter1991: { cite: 'Hochreiter 1991', title: 'Untersuchungen zu dynamischen neuronalen Netzen (diploma thesis)', url: 'https://people.idsia.ch/~juergen/SeppHochreiter1991ThesisAdvisorSchmidhuber.pdf' },
  bengio1994: { cite: 'Bengio, Simard & Frasconi 1994', title: 'Learning long-term dependencies with gradient descent is difficult', url: 'https://doi.org/10.1109/72.279181' },
  pascanu2013: { cite: 'Pascanu, Mikolov & Bengio 2013', title: 'On the difficulty of training recurrent neural networks', url: 'https://arxiv.org/abs/1211.5063' },
  williams1990: { cite: 'Williams & Peng 1990', title: 'An efficient gradient-based algorithm for on-line training of recurrent network trajectories', url: 'https://doi.org/10.1162/neco.1990.2.4.490' },
  sutskever2013: { cite: 'Sutskever 2013', title: 'Training recurrent neural networks (PhD thesis)', url: 'https://www.cs.utoronto.ca/~ilya/pubs/ilya_sutskever_phd_thesis.pdf' },
  saxe2014: { cite: 'Saxe, McClelland & Ganguli 2014', title: 'Exact solutions to the nonlinear dynamics of learning in deep linear neural networks', url: 'https://arxiv.org/abs/1312.6120' },
  le2015: { cite: 'Le, Jaitly & Hinton 2015', title: 'A simple way to initialize recurrent networks of rectified linear units', url: 'https://arxiv.org/abs/1504.00941' },
  jaeger2001: { cite: 'Jaeger 2001', title: 'The "echo state" approach to analysing and training recurrent neural networks', url: 'https://www.ai.rug.nl/minds/uploads/EchoStatesTechRep.pdf' },
  hochreiter1997: { cite: 'Hochreiter & Schmidhuber 1997', title: 'Long short-term memory', url: 'https://doi.org/10.1162/neco.1997.9.8.1735' },
  gers2000: { cite: 'Gers, Schmidhuber & Cummins 2000', title: 'Learning to forget: continual prediction with LSTM', url: 'https://doi.org/10.1162/089976600300015015' },
  olah2015: { cite: 'Olah 2015', title: 'Understanding LSTM networks', url: 'https://colah.github.io/posts/2015-08-Understanding-LSTMs/' },
  jozefowicz2015: { cite: 'Jozefowicz, Zaremba & Sutskever 2015', title: 'An empirical exploration of recurrent network architectures', url: 'https://proceedings.mlr.press/v37/jozefowicz15.html' },
  tallec2018: { cite: 'Tallec & Ollivier 2018', title: 'Can recurrent neural networks warp time?', url: 'https://arxiv.org/abs/1804.11188' },
  cho2014: { cite: 'Cho et al. 2014', title: 'Learning phrase representations using RNN encoder–decoder for statistical machine translation', url: 'https://arxiv.org/abs/1406.1078' },
  zhou2016: { cite: 'Zhou et al. 2016', title: 'Minimal gated unit for recurrent neural networks', url: 'https://arxiv.org/abs/1603.09420' },
  chung2014: { cite: 'Chung et al. 2014', title: 'Empirical evaluation of gated recurrent neural networks on sequence modeling', url: 'https://arxiv.org/abs/1412.3555' },
  karpathy2015: { cite: 'Karpathy 2015', title: 'The unreasonable effectiveness of recurrent neural networks', url: 'https://karpathy.github.io/2015/05/21/rnn-effectiveness/' },
  karpathy2015b: { cite: 'Karpathy, Johnson & Fei-Fei 2015', title: 'Visualizing and understanding recurrent networks', url: 'https://arxiv.org/abs/1506.02078' },
  greff2017: { cite: 'Greff et al. 2017', title: 'LSTM: a search space odyssey', url: 'https://arxiv.org/abs/1503.04069' },
} satisfies Record<string, Paper>;
