// σ_max and spectral radius of W_rec over training (the 1/γ = 1 line marked), and the total gradient
// norm before clipping with each clip event marked under the axis.
import { useStore } from '../state/store';
import { thinForDisplay, type SeriesPoint } from '../state/decimate';
import { formatSteps, formatValue } from './format';
import { PALETTE } from './palette';
import { SvgChart } from './SvgChart';
import { useThrottledStore } from './useThrottled';

/** SVG paths of at most this many points redraw cheaply. */
const MAX_DRAWN_POINTS = 400;
const toXY = (points: SeriesPoint[]) => thinForDisplay(points, MAX_DRAWN_POINTS).map((p) => ({ x: p.step, y: p.value }));
/** Training-step axes start at 0 so charts side by side line up. */
const stepDomain = (points: SeriesPoint[]): [number, number] => [0, Math.max(1, points.length ? points[points.length - 1].step : 1)];

const lastOf = (points: SeriesPoint[]) => points[points.length - 1];

function describeSpectrum(sigma: SeriesPoint[], rho: SeriesPoint[]): string {
  const s = lastOf(sigma);
  const r = lastOf(rho);
  if (!s) return 'W_rec over training: no steps yet';
  const side = s.value < 1 ? 'below' : s.value > 1 ? 'above' : 'at';
  return `W_rec at step ${formatSteps(s.step)}: σ_max ${formatValue(s.value, 3)}${r ? `, spectral radius ${formatValue(r.value, 3)}` : ''}; σ_max is ${side} 1/γ = 1`;
}

function describeGradNorm(gradNorm: SeriesPoint[], clipSteps: number[], clip: string, clipAt: number): string {
  const g = lastOf(gradNorm);
  if (!g) return 'Total gradient norm: no steps yet';
  const clipping = clip === 'none' ? 'no clipping' : `clipped by ${clip} at ${formatValue(clipAt)}, ${clipSteps.length} clip events marked`;
  return `Total gradient norm at step ${formatSteps(g.step)}: ${formatValue(g.value)} before clipping; ${clipping}`;
}

export function SpectrumChart() {
  const sigma = useThrottledStore((s) => s.sigmaMax, 300);
  const rho = useThrottledStore((s) => s.spectralRadius, 300);
  const presenter = useStore((s) => s.config.presenter);
  return (
    <section className="panel" aria-labelledby="spec-title">
      <h2 id="spec-title">W_rec over training</h2>
      <SvgChart
        series={[
          { id: 'sigma', label: 'σ_max (largest singular value)', color: PALETTE.blue, points: toXY(sigma) },
          { id: 'rho', label: 'spectral radius ρ', color: PALETTE.orange, points: toXY(rho), dashed: true },
        ]}
        height={presenter ? 240 : 200}
        xLabel="training step"
        yLabel="scale (log)"
        yLog
        xDomain={stepDomain(sigma)}
        guides={[{ y: 1, label: '1/γ = 1' }]}
        ariaLabel={describeSpectrum(sigma, rho)}
        testId="spectrum-chart"
      />
    </section>
  );
}

export function GradNormChart() {
  const gradNorm = useThrottledStore((s) => s.gradNorm, 300);
  const clipSteps = useThrottledStore((s) => s.clipSteps, 300);
  const clip = useStore((s) => s.config.clip);
  const clipAt = useStore((s) => s.config.clipAt);
  const presenter = useStore((s) => s.config.presenter);
  return (
    <section className="panel" aria-labelledby="gn-title">
      <h2 id="gn-title">Total gradient norm</h2>
      <SvgChart
        series={[{ id: 'gn', label: '‖∇L‖ before clipping', color: PALETTE.vermilion, points: toXY(gradNorm) }]}
        height={presenter ? 240 : 200}
        xLabel="training step"
        yLabel="‖∇L‖ (log)"
        yLog
        xDomain={stepDomain(gradNorm)}
        markers={clipSteps}
        markerLabel="clipped"
        guides={clip === 'norm' ? [{ y: clipAt, label: `clip at ${clipAt}` }] : []}
        ariaLabel={describeGradNorm(gradNorm, clipSteps, clip, clipAt)}
        testId="gradnorm-chart"
      />
    </section>
  );
}
