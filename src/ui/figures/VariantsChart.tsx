// The papers' figures, live: Greff et al. 2017's LSTM variants compared. "Start" trains k fresh models per variant
// on the Greff lesson's never-reset Reber stream (core/figures/variantsCompared.ts: one sweep, every run the full
// budget) in the lab worker, on the engine the page runs, and draws one box of final validation losses per variant
// as the runs finish, beside a table of the paper's verdict and ours. Pure view logic in variantsView.ts.
import { useMemo, useRef } from 'react';
import {
  DEFAULT_VARIANT_SEEDS, DEFAULT_VARIANT_STEPS, GREFF_VARIANTS, MAX_VARIANT_SEEDS, MIN_VARIANT_SEEDS, REFERENCE_VARIANT, VARIANT_CHANGES, VARIANT_NAMES, variantsConfig, variantsPlan,
  variantsSummary, variantsVerdict, type GreffVariant, type VariantBox,
} from '../../core/figures/variantsCompared';
import { budgetsWith } from '../../core/figures/params';
import type { SweepPlan, SweepResult } from '../../core/inspect/sweep';
import { PAPERS } from '../../core/lessons/papers';
import { useSweepWorker } from '../useSweepWorker';
import { formatValue } from '../format';
import { useWidth } from '../useWidth';
import { PaperLink } from '../PaperLink';
import { describeVariants, variantsCsv, variantsGeometry, VERDICT_COLORS } from './variantsView';
import { FigureExports, FigureSection, FigureVerdictLine } from './FigureSection';
import { LinkNotice, SweepStartButton, SweepStatus, useLinkedChoice, useRunsPage } from './SweepFigureRun';
import './figures.css';

const VARIANTS_LESSONS = ['greff'];
const BUDGETS = [100, 300, 1000, 2000];
const MARGIN = { left: 48, right: 34, top: 8, bottom: 40 };

export function VariantsFigure() {
  return (
    <FigureSection figure="variants" lessons={VARIANTS_LESSONS} title="the LSTM variants compared" source={`${PAPERS.greff2017.cite}, from runs on this machine`}>
      <VariantsLive />
    </FigureSection>
  );
}

function VariantsLive() {
  const page = useRunsPage();
  const { seed } = page;
  // the link's figCells names the variants ("vanilla,nfg"), figSeeds and figSteps the rest; there is no lag to choose
  const { choice, setChoice, notice, share } = useLinkedChoice<GreffVariant>(GREFF_VARIANTS, { cells: [...GREFF_VARIANTS], lagText: '', seeds: DEFAULT_VARIANT_SEEDS, steps: DEFAULT_VARIANT_STEPS });
  const { cells: variants, seeds, steps } = choice;
  const setVariants = (next: (vs: GreffVariant[]) => GreffVariant[]) => setChoice({ ...choice, cells: next(variants) });
  const sweep = useSweepWorker('rnnlab-variants-figure', 'The runs');
  const { plan, result, setError, running } = sweep;
  const settings = variantsConfig(page);

  const start = () => {
    let next: SweepPlan;
    try {
      // the runs train where the page's own run does ('auto' resolved by the page once it has an engine)
      next = variantsPlan(variantsConfig(page), { variants, seeds, steps });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    share([]);
    sweep.start(next);
  };

  return (
    <div className="variants-body">
      <p className="variants-finding">
        {PAPERS.greff2017.cite} compared the vanilla LSTM (V, with peepholes) with eight variants, each one change, on speech, handwriting and music: none improved
        significantly on V; removing the forget gate (NFG) or the output activation function (NOAF) hurt most; removing the input gate, the output gate or the input activation
        (NIG, NOG, NIAF) hurt on some datasets; coupling the input and forget gates (CIFG) or dropping the peepholes (NP) did not hurt significantly, and full gate recurrence (FGR)
        did not help (
        <PaperLink paper={PAPERS.greff2017} />
        ).
      </p>
      <p className="muted variants-settings">
        Each run: a fresh LSTM on the Greff lesson’s continual Reber stream, never reset (a task that needs forgetting), T = {settings.T}, B = {settings.B}, H = {settings.H}, Adam at
        lr {settings.lr}, clipped at norm {settings.clipAt}; seeds {seed} to {seed + seeds - 1}; every run trains all its steps, then its validation loss is taken on the fixed
        validation stream.
      </p>
      <LinkNotice notice={notice} />
      <fieldset className="variants-choices" disabled={running}>
        <legend>Variants</legend>
        {GREFF_VARIANTS.map((v) => (
          <label key={v} title={VARIANT_CHANGES[v]}>
            <input
              type="checkbox"
              checked={v === REFERENCE_VARIANT || variants.includes(v)}
              disabled={v === REFERENCE_VARIANT}
              onChange={(e) => setVariants((vs) => (e.target.checked ? [...vs, v] : vs.filter((x) => x !== v)))}
              data-testid={`variants-pick-${v}`}
            />
            {VARIANT_NAMES[v]}
          </label>
        ))}
      </fieldset>
      <div className="variants-actions">
        <label>
          seeds{' '}
          <input type="number" min={MIN_VARIANT_SEEDS} max={MAX_VARIANT_SEEDS} value={seeds} disabled={running} onChange={(e) => setChoice({ ...choice, seeds: Number(e.target.value) })} data-testid="variants-seeds" />
        </label>
        <label>
          steps per run{' '}
          <select value={steps} disabled={running} onChange={(e) => setChoice({ ...choice, steps: Number(e.target.value) })} data-testid="variants-steps">
            {budgetsWith(BUDGETS, steps).map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <SweepStartButton figure="variants" sweep={sweep} onStart={start} />
      </div>
      <SweepStatus figure="variants" sweep={sweep} label="Variants figure: runs done" />
      {plan && result && result.curves.some((c) => c.points.length > 0) ? (
        <VariantsChart plan={plan} result={result} />
      ) : (
        !running && <p className="muted">Press Start: {seeds} runs per variant, {steps} steps each (minutes on the CPU; pausing the main run makes it faster).</p>
      )}
    </div>
  );
}

const AGREEMENT_WORDS = { reference: '—', pending: '…', agrees: 'yes', 'in part': 'in part', disagrees: 'no' } as const;

/** One box of final validation losses per variant, V's middle half as a band; beside it the paper's verdicts and ours. */
export function VariantsChart({ plan, result }: { plan: SweepPlan; result: SweepResult }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const plotW = Math.max(80, width - MARGIN.left - MARGIN.right);
  const boxes = useMemo(() => variantsSummary(result, plan), [result, plan]);
  const g = useMemo(() => variantsGeometry(boxes, plotW), [boxes, plotW]);
  const height = MARGIN.top + g.height + MARGIN.bottom;
  const verdict = useMemo(() => variantsVerdict(boxes), [boxes]);
  const runs = result.curves.reduce((n, c) => n + c.points.length, 0);
  const stem = `rnnlab-lstm-variants-${plan.seeds}seeds-${plan.steps}steps`;

  return (
    <figure className="variants-chart-figure">
      <FigureVerdictLine figure="variants" verdict={verdict} />
      <div className="variants-views">
        <div ref={ref} className="svg-chart variants-chart" role="img" tabIndex={0} aria-label={describeVariants(boxes, plan.steps)} data-testid="variants-chart" data-runs={runs}>
          <svg ref={svgRef} width={width} height={height} aria-hidden="true">
            <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
              {g.band && <rect x={g.band.x1} y={0} width={Math.max(1, g.band.x2 - g.band.x1)} height={g.height} className="variants-band" data-testid="variants-band" />}
              {g.ticks.map((t) => (
                <g key={t.value}>
                  <line x1={t.x} x2={t.x} y1={0} y2={g.height} className="grid" />
                  <text x={t.x} y={g.height + 16} className="tick" textAnchor="middle">
                    {t.label}
                  </text>
                </g>
              ))}
              <line x1={0} x2={plotW} y1={g.height} y2={g.height} className="axis" />
              <text x={plotW / 2} y={g.height + 34} className="axis-label" textAnchor="middle">
                final validation loss{g.log ? ' (log scale)' : ''}
              </text>
              {g.rows.map((r) => (
                <g key={r.variant} data-testid={`variants-box-${r.variant}`}>
                  <text x={-8} y={r.y} className="row-name" textAnchor="end" dominantBaseline="middle">
                    {r.name}
                  </text>
                  {r.box && (
                    <>
                      <line x1={r.box.x1} x2={r.box.x2} y1={r.y} y2={r.y} stroke={r.color} strokeWidth={1.5} />
                      <line x1={r.box.x1} x2={r.box.x1} y1={r.y - 5} y2={r.y + 5} stroke={r.color} strokeWidth={1.5} />
                      <line x1={r.box.x2} x2={r.box.x2} y1={r.y - 5} y2={r.y + 5} stroke={r.color} strokeWidth={1.5} />
                      <rect x={r.box.xq1} y={r.box.top} width={Math.max(2, r.box.xq3 - r.box.xq1)} height={r.box.bottom - r.box.top} fill={r.color} fillOpacity={0.25} stroke={r.color} strokeWidth={1.5} />
                      <line x1={r.box.xMedian} x2={r.box.xMedian} y1={r.box.top} y2={r.box.bottom} stroke={r.color} strokeWidth={3} />
                    </>
                  )}
                  {r.dots.map((d) => (
                    <circle key={d.seed} cx={d.x} cy={d.y} r={2.5} fill="#222222" fillOpacity={0.7} />
                  ))}
                  {r.diverged > 0 && (
                    <text x={plotW + 6} y={r.y} className="variants-diverged" dominantBaseline="middle">
                      ×{r.diverged}
                    </text>
                  )}
                </g>
              ))}
            </g>
          </svg>
          <div className="legend">
            <span className="legend-item">
              <span className="variants-band-swatch" aria-hidden="true" /> V’s middle half (the reference)
            </span>
            {([['worse', 'worse than V'], ['about the same', 'about the same as V'], ['better', 'better than V']] as const).map(([v, words]) => (
              <span key={v} className="legend-item">
                <span className="variants-swatch" style={{ background: VERDICT_COLORS[v] }} aria-hidden="true" /> {words}
              </span>
            ))}
            {boxes.some((b) => b.divergedSeeds.length > 0) && <span className="legend-item">×n: runs that diverged</span>}
          </div>
        </div>
        <VerdictTable boxes={boxes} />
      </div>
      <FigureExports figure="variants" svg={svgRef} stem={stem} title="LSTM variants compared" csv={() => variantsCsv(boxes)}>
        {runs} of {plan.contestants.length * (plan.seeds ?? 1)} runs, {plan.seeds} seeds, {plan.steps} steps each{result.cancelled ? ' (cancelled)' : ''} (box: quartiles of the finished runs, whiskers: min to max, a dot per seed):
      </FigureExports>
    </figure>
  );
}

function VerdictTable({ boxes }: { boxes: readonly VariantBox[] }) {
  return (
    <table className="variants-table" data-testid="variants-table">
      <caption className="muted">Against V: the paper’s verdict and ours</caption>
      <thead>
        <tr>
          <th scope="col">variant</th>
          <th scope="col">paper</th>
          <th scope="col">ours</th>
          <th scope="col">agrees?</th>
        </tr>
      </thead>
      <tbody>
        {boxes.map((b) => (
          <tr key={b.variant} data-testid={`variants-row-${b.variant}`}>
            <th scope="row" title={VARIANT_CHANGES[b.variant]}>
              {b.name}
            </th>
            <td>{b.paper === 'reference' ? 'reference' : b.paper}</td>
            <td>
              {b.ours}
              {b.box && <span className="muted variants-median">median {formatValue(b.box.median)}</span>}
            </td>
            <td className={`agree-${b.agreement.replace(' ', '-')}`}>{AGREEMENT_WORDS[b.agreement]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
