// ‖∂L/∂h_t‖ against t on a log axis, from the BPTT of the step that just ran: one line per layer,
// and ‖∂L/∂c_t‖ dashed for LSTM (the constant error carousel). Below it, how much the norm changes
// per step back in time, read from the slope of log‖∂L/∂h_t‖.
import { useStore } from '../state/store';
import { formatFactor, formatSteps, formatValue } from './format';
import { summarizeFlow } from '../core/flow';
import { LAYER_COLORS } from './palette';
import { SvgChart, type ChartSeries } from './SvgChart';

const VERDICT_TEXT: Record<string, string> = {
  vanishing: 'vanishing: the error shrinks as it travels back in time',
  exploding: 'exploding: the error grows as it travels back in time',
  stable: 'stable: the error keeps its size back in time',
  overflow: 'overflow: the gradient is no longer finite',
  unknown: 'waiting for the first step',
};

/** The chart in words: the profile's length, its factor per step back and verdict, σ_max of W_rec, and its step. */
function describeFlow(summary: ReturnType<typeof summarizeFlow>, T: number, sigmaMax: number | null, step: number): string {
  const sigma = `${sigmaMax === null ? '' : `; σ_max ${formatValue(sigmaMax, 2)}`} (training step ${formatSteps(step)})`;
  if (summary.verdict === 'unknown') return `‖∂L/∂h_t‖ per time step: ${VERDICT_TEXT.unknown}`;
  if (Number.isNaN(summary.slope)) return `‖∂L/∂h_t‖ over ${T} steps: ${summary.zeros} of ${T} steps get exactly zero gradient${sigma}`;
  return `‖∂L/∂h_t‖ over ${T} steps: ${formatFactor(summary.factorPerStepBack)} per step back, ${summary.verdict}${sigma}`;
}

function toPoints(norms: Float64Array) {
  return Array.from(norms, (y, t) => ({ x: t, y }));
}

export function GradientFlow() {
  const profile = useStore((s) => s.profile);
  const presenter = useStore((s) => s.config.presenter);
  const sigmaMax = useStore((s) => (s.sigmaMax.length ? s.sigmaMax[s.sigmaMax.length - 1].value : null));
  const series: ChartSeries[] = [];
  if (profile) {
    profile.dh.forEach((norms, layer) =>
      series.push({ id: `h${layer}`, label: `‖∂L/∂h_t‖ layer ${layer + 1}`, color: LAYER_COLORS[layer % LAYER_COLORS.length], points: toPoints(norms) }),
    );
    profile.dc?.forEach((norms, layer) =>
      series.push({ id: `c${layer}`, label: `‖∂L/∂c_t‖ layer ${layer + 1}`, color: LAYER_COLORS[layer % LAYER_COLORS.length], points: toPoints(norms), dashed: true }),
    );
  }
  const T = profile?.dh[0]?.length ?? 0;
  const summary = summarizeFlow(profile?.dh[0] ?? []);
  return (
    <section className="panel gradient-flow" aria-labelledby="flow-title">
      <h2 id="flow-title">Gradient flow through time</h2>
      <SvgChart
        series={series}
        height={presenter ? 360 : 300}
        xLabel="time step t (the loss is measured at the end)"
        yLabel="gradient norm (log)"
        yLog
        xDomain={[0, Math.max(1, T - 1)]}
        ariaLabel={describeFlow(summary, T, sigmaMax, profile?.step ?? 0)}
        testId="flow-chart"
      />
      <p
        className={`flow-summary verdict-${summary.verdict}`}
        data-testid="grad-slope"
        data-slope={Number.isFinite(summary.slope) ? summary.slope : ''}
        data-verdict={summary.verdict}
        data-step={profile?.step ?? 0}
        aria-live="polite"
      >
        {summary.verdict === 'unknown' ? (
          VERDICT_TEXT.unknown
        ) : Number.isNaN(summary.slope) ? (
          <>
            <strong>{summary.zeros} of {T}</strong> steps get exactly zero gradient: saturated units pass nothing back
            {summary.nonFinite > 0 && <>, and {summary.nonFinite} are not finite</>}
          </>
        ) : (
          <>
            <strong>{formatFactor(summary.factorPerStepBack)}</strong> per step back ·{' '}
            {Number.isFinite(summary.decadesAcross) && (
              <>
                ‖∂L/∂h₀‖ / ‖∂L/∂h<sub>T−1</sub>‖ = 10<sup>{formatValue(summary.decadesAcross, 2)}</sup> ·{' '}
              </>
            )}
            {VERDICT_TEXT[summary.verdict]}
            {summary.zeros > 0 && <> ({summary.zeros} steps exactly zero)</>}
          </>
        )}
      </p>
    </section>
  );
}
