// The gradient profile over training: one column per recorded step, one row per time step t,
// coloured by log10‖∂L/∂h_t‖ through viridis. White cells are non-finite (the blow-up).
import { useEffect, useRef, useState } from 'react';
import { useStore } from '../state/store';
import { buildLut, growColorRange, paintHeatmap, type RunColorRange } from './colormap';
import { formatSteps, formatValue } from './format';
import { powerOfTenLabel } from './axes';
import { useThrottledStore } from './useThrottled';
import { useWidth } from './useWidth';

const LUT = buildLut();
/** The legend's colour bar: nine stops sampled from the same table the cells use. */
const GRADIENT_CSS = `linear-gradient(to right, ${Array.from({ length: 9 }, (_, i) => {
  const o = Math.round((i / 8) * 255) * 3;
  return `rgb(${LUT[o]},${LUT[o + 1]},${LUT[o + 2]})`;
}).join(', ')})`;

/** The range before the first column: 10⁻³ … 1. */
const EMPTY_RANGE: [number, number] = [-3, 0];

/** The chart in words, for its accessible name: what it covers and the newest column from t = 0 to T − 1. */
function describeHeatmap(columns: Float64Array[], steps: number[], lo: number, hi: number): string {
  const newest = columns[columns.length - 1];
  if (!newest || !steps.length) return '‖∂L/∂h_t‖ over training: no steps yet';
  const T = newest.length;
  return (
    `‖∂L/∂h_t‖ over training, ${columns.length} recorded steps (${formatSteps(steps[0])} to ${formatSteps(steps[steps.length - 1])}), ` +
    `t = 0 to ${T - 1}; newest step: ${formatValue(newest[0])} at t = 0, ${formatValue(newest[T - 1])} at t = ${T - 1}; ` +
    `colour range 1e${Math.floor(lo)} to 1e${Math.ceil(hi)}, widened as the run goes, never narrowed`
  );
}

export function Heatmap() {
  const columns = useThrottledStore((s) => s.heatColumns, 100);
  const steps = useThrottledStore((s) => s.heatSteps, 100);
  const presenter = useStore((s) => s.config.presenter);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const contextRef = useRef<CanvasRenderingContext2D | null>(null);
  const bitmapRef = useRef<OffscreenCanvas | null>(null); // one step per pixel column, scaled up when drawn
  const [wrapRef, width] = useWidth<HTMLDivElement>();
  const height = presenter ? 220 : 180;
  const T = columns.length ? columns[columns.length - 1].length : 0;
  // the colour range of this run: it only widens, so a column keeps its colour once drawn
  const [runRange, setRunRange] = useState<RunColorRange | null>(null);
  const nextRange = growColorRange(runRange, columns, steps);
  if (nextRange !== runRange) setRunRange(nextRange);
  const [lo, hi] = nextRange ? [nextRange.lo, nextRange.hi] : EMPTY_RANGE;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    if (!contextRef.current || contextRef.current.canvas !== canvas) contextRef.current = canvas.getContext('2d');
    const ctx = contextRef.current;
    if (!ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const usable = columns.filter((c) => c.length === T);
    if (!usable.length || T === 0) return;
    const image = new ImageData(paintHeatmap(usable, T, lo, hi, LUT) as Uint8ClampedArray<ArrayBuffer>, usable.length, T);
    if (!bitmapRef.current || bitmapRef.current.width !== usable.length || bitmapRef.current.height !== T) {
      bitmapRef.current = new OffscreenCanvas(usable.length, T);
    }
    const bitmap = bitmapRef.current;
    bitmap.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    // newest column at the right edge; a short history is drawn at its natural width, not stretched
    const colWidth = Math.max(1, Math.min(6, canvas.width / usable.length));
    const drawnWidth = Math.min(canvas.width, colWidth * usable.length);
    ctx.drawImage(bitmap, canvas.width - drawnWidth, 0, drawnWidth, canvas.height);
  }, [columns, T, lo, hi, width, height]);

  return (
    <section className="panel heatmap" aria-labelledby="heat-title">
      <h2 id="heat-title">‖∂L/∂h_t‖ over training</h2>
      <div className="heat-body">
        <div className="heat-axis-y" aria-hidden="true">
          <span>{T > 0 && 't = 0'}</span>
          <span>{T > 0 && `t = ${T - 1}`}</span>
        </div>
        <div ref={wrapRef} className="heat-canvas-wrap">
          <canvas ref={canvasRef} width={width} height={height} role="img" tabIndex={0} aria-label={describeHeatmap(columns, steps, lo, hi)} data-testid="heatmap" />
        </div>
      </div>
      <div className="heat-footer">
        <span className="muted">
          {steps.length ? `steps ${formatSteps(steps[0])} → ${formatSteps(steps[steps.length - 1])} (newest on the right)` : 'no steps yet'}
        </span>
        <span className="heat-legend" title="The colour range widens as the run goes and never narrows, so a column keeps its colour; a reset starts it afresh">
          <span className="muted">colours over the run:</span>
          <span>{powerOfTenLabel(Math.floor(lo))}</span>
          <span className="heat-scale" style={{ background: GRADIENT_CSS }} />
          <span>{powerOfTenLabel(Math.ceil(hi))}</span>
          <span className="heat-overflow" title="NaN or infinite" /> not finite
        </span>
      </div>
    </section>
  );
}
