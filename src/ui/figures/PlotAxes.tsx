// The frame the papers' small charts share: horizontal grid lines at the y ticks, the two axes, tick labels and axis
// titles (drawn inside the caller's translated plot group), and a legend of coloured lines under the chart.

export interface AxisTick {
  key: string | number;
  at: number; // px along the axis: from the plot's left for x, from its top for y
  label: string;
}

export function PlotAxes({ width, height, xTicks, yTicks, xLabel, yLabel, yLabelX }: { width: number; height: number; xTicks: AxisTick[]; yTicks: AxisTick[]; xLabel: string; yLabel: string; yLabelX: number }) {
  return (
    <>
      {yTicks.map((t) => (
        <g key={t.key}>
          <line x1={0} x2={width} y1={t.at} y2={t.at} className="grid" />
          <text x={-8} y={t.at} className="tick" textAnchor="end" dominantBaseline="middle">
            {t.label}
          </text>
        </g>
      ))}
      <line x1={0} x2={width} y1={height} y2={height} className="axis" />
      <line x1={0} x2={0} y1={0} y2={height} className="axis" />
      {xTicks.map((t) => (
        <text key={t.key} x={t.at} y={height + 18} className="tick" textAnchor="middle">
          {t.label}
        </text>
      ))}
      <text x={width / 2} y={height + 38} className="axis-label" textAnchor="middle">
        {xLabel}
      </text>
      <text transform={`translate(${yLabelX},${height / 2}) rotate(-90)`} className="axis-label" textAnchor="middle">
        {yLabel}
      </text>
    </>
  );
}

export interface LegendLine {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
}

export function LineLegend({ items }: { items: LegendLine[] }) {
  return (
    <div className="legend">
      {items.map((s) => (
        <span key={s.key} className="legend-item">
          <svg width="22" height="10" aria-hidden="true">
            <line x1="1" x2="21" y1="5" y2="5" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? '5 3' : undefined} />
          </svg>{' '}
          {s.label}
        </span>
      ))}
    </div>
  );
}
