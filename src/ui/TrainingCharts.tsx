// σ_max and spectral radius of W_rec over training (the 1/γ = 1 line marked), and the total gradient
// norm before clipping with each clip event marked under the axis.
import { useStore } from '../state/store';
import { thinForDisplay, type SeriesPoint } from '../state/decimate';
import { PALETTE } from './palette';
import { SvgChart } from './SvgChart';
import { useThrottledStore } from './useThrottled';

/** SVG paths of at most this many points redraw cheaply. */
const MAX_DRAWN_POINTS = 400;
const toXY = (points: SeriesPoint[]) => thinForDisplay(points, MAX_DRAWN_POINTS).map((p) => ({ x: p.step, y: p.value }));
/** Training-step axes start at 0 so charts side by side line up. */
const stepDomain = (points: SeriesPoint[]): [number, number] => [0, Math.max(1, points.length ? points[points.length - 1].step : 1)];

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
        ariaLabel="Largest singular value and spectral radius of the recurrent matrix over training"
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
        ariaLabel="Total gradient norm over training, with clip events marked"
        testId="gradnorm-chart"
      />
    </section>
  );
}
