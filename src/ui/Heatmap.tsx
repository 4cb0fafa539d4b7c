// The gradient profile over training: one column per recorded step, one row per time step t,
// coloured by log10‖∂L/∂h_t‖ through viridis. White cells are non-finite (the blow-up).
import { useEffect, useMemo, useRef } from 'react';
import { useStore } from '../state/store';
import { buildLut, heatmapRange, paintHeatmap } from './colormap';
import { formatSteps } from './format';
import { powerOfTenLabel } from './axes';
import { useThrottledStore } from './useThrottled';
import { useWidth } from './useWidth';

const LUT = buildLut();
/** The legend's colour bar: nine stops sampled from the same table the cells use. */
const GRADIENT_CSS = `linear-gradient(to right, ${Array.from({ length: 9 }, (_, i) => {
  const o = Math.round((i / 8) * 255) * 3;
  return `rgb(${LUT[o]},${LUT[o + 1]},${LUT[o + 2]})`;
}).join(', ')})`;

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
  const [lo, hi] = useMemo(() => heatmapRange(columns), [columns]);

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
          <canvas ref={canvasRef} width={width} height={height} role="img" aria-label="Heatmap of the gradient norm per time step (rows) over training steps (columns)" data-testid="heatmap" />
        </div>
      </div>
      <div className="heat-footer">
        <span className="muted">
          {steps.length ? `steps ${formatSteps(steps[0])} → ${formatSteps(steps[steps.length - 1])} (newest on the right)` : 'no steps yet'}
        </span>
        <span className="heat-legend">
          <span>{powerOfTenLabel(Math.floor(lo))}</span>
          <span className="heat-scale" style={{ background: GRADIENT_CSS }} />
          <span>{powerOfTenLabel(Math.ceil(hi))}</span>
          <span className="heat-overflow" title="NaN or infinite" /> not finite
        </span>
      </div>
    </section>
  );
}
