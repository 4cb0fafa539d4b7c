// Char-level language model: bits per character against the no-context baseline, the model's guesses
// on the newest batch, and text sampled from it with a temperature, primed with the user's text.
import { useEffect, useRef, useState } from 'react';
import type { Config } from '../../core/config';
import { Rng } from '../../core/rng';
import type { ForwardOne, TaskMetric } from '../../core/tasks/task';
import { perplexity, sampleText, type CharTask } from '../../core/tasks/text';
import { formatValue } from '../format';
import { MetricPanel } from './MetricPanel';
import { charGuesses, visibleChar, type Snapshot } from './viewLogic';

const DEFAULT_PRIME: Record<string, string> = { code: 'export function ', grammar: 'alpha = (', user: '' };
const LENGTHS = [100, 200, 400];

export function CharView({ task, config, snapshot, metric, history, forward, sample }: {
  task: CharTask;
  config: Config;
  snapshot: Snapshot | null;
  metric: TaskMetric | null;
  history: { n: number; value: number }[];
  forward?: ForwardOne;
  sample?: (prime: string, length: number, temperature: number) => Promise<string>;
}) {
  const [prime, setPrime] = useState(DEFAULT_PRIME[config.corpus] ?? '');
  const [temperature, setTemperature] = useState(0.8);
  const [length, setLength] = useState(200);
  const [output, setOutput] = useState('');
  const [shownPrime, setShownPrime] = useState('');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<{ aborted: boolean } | null>(null);
  const draws = useRef(0);
  useEffect(() => () => void (stop.current && (stop.current.aborted = true)), []);
  // another corpus brings its own default prime
  const [primedCorpus, setPrimedCorpus] = useState(config.corpus);
  if (primedCorpus !== config.corpus) {
    setPrimedCorpus(config.corpus);
    setPrime(DEFAULT_PRIME[config.corpus] ?? '');
  }

  const canSample = Boolean(forward || sample);
  async function run() {
    if (running) return;
    setRunning(true);
    setError(null);
    setOutput('');
    setShownPrime(prime);
    const signal = { aborted: false };
    stop.current = signal;
    try {
      if (forward) {
        // Seeded from the config and a counter: the same link samples the same text.
        const rng = new Rng((config.seed * 7919 + ++draws.current) >>> 0);
        await sampleText(task, forward, prime, length, temperature, rng, config.T, (ch) => !signal.aborted && setOutput((s) => s + ch), signal);
      } else if (sample) {
        setOutput(await sample(prime, length, temperature));
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  }

  const guesses = snapshot ? charGuesses(task, snapshot) : null;
  const shown = guesses ? Math.min(guesses.next.length, 64) : 0;
  return (
    <div className="task-view" data-testid="char-view">
      <p className="task-intro">
        The network reads the {config.corpus === 'code' ? 'source code of this very page' : config.corpus === 'grammar' ? 'generated bracket-and-quote corpus' : 'text you gave it'} one
        character at a time and predicts the next. Vocabulary: {task.vocab.size} symbols
        {task.vocab.unknownId >= 0 ? ' (rare ones share “�”)' : ''}. A model that knows only how often each character occurs scores the baseline.
      </p>
      <MetricPanel metric={metric} history={history} chanceLabel="no context (character frequencies)" />
      {metric && Number.isFinite(metric.value) && (
        <p className="muted">Perplexity {formatValue(perplexity(metric.value))}: as unsure as choosing among that many characters.</p>
      )}
      {guesses && (
        <div>
          <h3>Newest batch: text (top) and the network’s guess for the next character (below)</h3>
          <div className="char-strip">
            {Array.from(guesses.text).slice(0, shown).map((ch, i) => (
              <span key={i} className={`char-cell ${guesses.right[i] ? 'right' : 'wrong'}`}>
                <span className="top">{visibleChar(ch)}</span>
                <span className="below">{visibleChar(guesses.next[i])}</span>
              </span>
            ))}
          </div>
        </div>
      )}
      <div>
        <h3>Sample from the model</h3>
        <div className="task-controls">
          <label>
            start with <input type="text" value={prime} onChange={(e) => setPrime(e.target.value)} aria-label="text to start the sample with" />
          </label>
          <label>
            temperature <input type="range" min={0} max={2} step={0.05} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} aria-label="sampling temperature" />
            <span className="mono">{temperature === 0 ? 'greedy' : temperature.toFixed(2)}</span>
          </label>
          <label>
            length
            <select value={length} onChange={(e) => setLength(Number(e.target.value))}>
              {LENGTHS.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          {running ? (
            <button type="button" onClick={() => stop.current && (stop.current.aborted = true)}>stop</button>
          ) : (
            <button type="button" className="primary" onClick={() => void run()} disabled={!canSample}>sample</button>
          )}
        </div>
        {!canSample && <p className="muted">Sampling becomes available once the model is running.</p>}
        {error && <p className="data-error">{error}</p>}
        <div className="sample-out" data-testid="sample-output" aria-live="polite">
          {shownPrime && <span className="prime">{shownPrime}</span>}
          {output}
        </div>
        <p className="muted">Temperature 0 always takes the most likely character; higher values take more risks.</p>
      </div>
    </div>
  );
}
