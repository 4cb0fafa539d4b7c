// A small hand-drawn SVG line chart: log or linear y, markers along the x-axis (clip events),
// horizontal guide lines (σ = 1), and caps for values that left the chart.
import { memo, useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { domainOf, linearTicks, logTicks, project } from './axes';
import { pathOf, thinCaps, type XY } from './plotPath';
import { useStore } from '../state/store';
import { useWidth } from './useWidth';

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
  points: XY[];
  dashed?: boolean;
}

export interface ChartProps {
  series: ChartSeries[];
  height: number;
  xLabel: string;
  yLabel: string;
  yLog: boolean;
  xDomain?: [number, number];
  yDomain?: [number, number];
  markers?: number[]; // x positions marked with a tick under the plot
  markerLabel?: string;
  guides?: { y: number; label: string }[];
  testId?: string;
  /** The chart in words (its values and what they mean): the accessible name of its one Tab stop. */
  ariaLabel: string;
}

/**
 * A chart as one Tab stop, read as an image named by its text alternative (the values and what they mean, in
 * words); the drawing inside is presentational. recharts charts in it set accessibilityLayer={false}, or their
 * surface would be a second, unnamed stop.
 */
export function ChartFrame({ label, className, testId, children }: { label: string; className?: string; testId?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useNoInnerTabStops(ref);
  return (
    <div ref={ref} className={className} data-testid={testId} role="img" tabIndex={0} aria-label={label}>
      {children}
    </div>
  );
}

/**
 * recharts draws its layers into <g>s through React portals, and React listens for focus on a portal's container;
 * Chromium makes an SVG element with focus listeners a Tab stop. A tabindex of -1 takes those out of the Tab order
 * (the mouse and its tooltips are untouched), also on the layers recharts adds as it redraws.
 */
function useNoInnerTabStops(ref: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const demote = () => root.querySelectorAll('svg g:not([tabindex])').forEach((g) => g.setAttribute('tabindex', '-1'));
    demote();
    const observer = new MutationObserver(demote);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [ref]);
}

/** Room for tick labels and axis titles; presenter mode's larger type needs more. */
const MARGINS = {
  normal: { left: 56, right: 14, top: 12, bottom: 40 },
  presenter: { left: 84, right: 18, top: 14, bottom: 56 },
};

function SvgChartImpl(props: ChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const MARGIN = useStore((s) => s.config.presenter) ? MARGINS.presenter : MARGINS.normal;
  const plotW = Math.max(40, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(40, props.height - MARGIN.top - MARGIN.bottom);

  const allX = props.series.flatMap((s) => s.points.map((p) => p.x));
  const xDomain: [number, number] = props.xDomain ?? (allX.length ? [Math.min(...allX), Math.max(...allX)] : [0, 1]);
  const yValues = props.series.flatMap((s) => s.points.map((p) => p.y)).concat((props.guides ?? []).map((g) => g.y));
  const yDomain = props.yDomain ?? domainOf(yValues, props.yLog);
  const geometry = { width: plotW, height: plotH, xDomain, yDomain, yLog: props.yLog };
  const yTicks = props.yLog ? logTicks(yDomain[0], yDomain[1], Math.max(3, Math.floor(plotH / 28))) : linearTicks(yDomain[0], yDomain[1], 4);
  const xTicks = linearTicks(xDomain[0], xDomain[1], Math.max(2, Math.floor(plotW / 90)));
  const yPx = (v: number) => plotH - project(v, yDomain, plotH, props.yLog).px;
  const xPx = (v: number) => (xDomain[1] === xDomain[0] ? plotW / 2 : ((v - xDomain[0]) / (xDomain[1] - xDomain[0])) * plotW);

  return (
    // one Tab stop per chart, read as an image named by its text alternative (ChartFrame's, with the width measured)
    <div ref={ref} className="svg-chart" data-testid={props.testId} role="img" tabIndex={0} aria-label={props.ariaLabel}>
      <svg width={width} height={props.height} aria-hidden="true">
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {yTicks.map((t) => {
            const y = yPx(t.value);
            if (!(y >= -0.5 && y <= plotH + 0.5)) return null;
            return (
              <g key={`y${t.value}`}>
                <line x1={0} x2={plotW} y1={y} y2={y} className="grid" />
                <text x={-8} y={y} className="tick" textAnchor="end" dominantBaseline="middle">
                  {t.label}
                </text>
              </g>
            );
          })}
          {xTicks.map((t) => (
            <text key={`x${t.value}`} x={xPx(t.value)} y={plotH + MARGIN.bottom * 0.4} className="tick" textAnchor="middle">
              {t.label}
            </text>
          ))}
          <line x1={0} x2={plotW} y1={plotH} y2={plotH} className="axis" />
          <line x1={0} x2={0} y1={0} y2={plotH} className="axis" />
          {(props.guides ?? []).map((g) => {
            const y = yPx(g.y);
            if (!(y >= 0 && y <= plotH)) return null;
            return (
              <g key={`g${g.y}`}>
                <line x1={0} x2={plotW} y1={y} y2={y} className="guide" />
                <text x={plotW - 4} y={y - 5} className="guide-label" textAnchor="end">
                  {g.label}
                </text>
              </g>
            );
          })}
          {(props.markers ?? []).map((m, i) => {
            const x = xPx(m);
            if (!(x >= 0 && x <= plotW)) return null;
            return <line key={`m${i}`} x1={x} x2={x} y1={plotH - 7} y2={plotH} className="marker" />;
          })}
          {props.series.map((s) => {
            const { d, caps } = pathOf(s.points, geometry);
            return (
              <g key={s.id}>
                <path d={d} fill="none" stroke={s.color} strokeWidth={2.25} strokeDasharray={s.dashed ? '6 4' : undefined} strokeLinejoin="round" />
                {thinCaps(caps).map((c, i) =>
                  c.kind === 'below' ? (
                    <path key={i} d={`M${c.x - 5},${c.y - 8}L${c.x + 5},${c.y - 8}L${c.x},${c.y - 1}Z`} fill={s.color} opacity={0.6} />
                  ) : (
                    <path key={i} d={`M${c.x - 6},${c.y + 10}L${c.x + 6},${c.y + 10}L${c.x},${c.y}Z`} fill={c.kind === 'nonfinite' ? '#fff' : s.color} stroke={s.color} strokeWidth={1.5} />
                  ),
                )}
              </g>
            );
          })}
          <text x={plotW / 2} y={plotH + MARGIN.bottom * 0.85} className="axis-label" textAnchor="middle">
            {props.xLabel}
          </text>
          <text transform={`translate(${-MARGIN.left + 12},${plotH / 2}) rotate(-90)`} className="axis-label" textAnchor="middle">
            {props.yLabel}
          </text>
        </g>
      </svg>
      {(props.series.length > 1 || props.markerLabel) && (
        <div className="legend">
          {props.series.map((s) => (
            <span key={s.id} className="legend-item">
              <svg width="22" height="10" aria-hidden="true">
                <line x1="1" x2="21" y1="5" y2="5" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? '5 3' : undefined} />
              </svg>
              {s.label}
            </span>
          ))}
          {props.markerLabel && (props.markers?.length ?? 0) > 0 && (
            <span className="legend-item">
              <svg width="10" height="12" aria-hidden="true">
                <line x1="5" x2="5" y1="1" y2="11" className="marker" />
              </svg>
              {props.markerLabel}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

export const SvgChart = memo(SvgChartImpl);
