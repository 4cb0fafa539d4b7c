// The gradient profile over training: one column per recorded step, one row per time step t,
// coloured by log10‖∂L/∂h_t‖ through viridis. White cells are non-finite (the blow-up).
import { useEffect, useMemo, useRef } from 'react';
import { useStore } from '../state/store';
import { buildLut, heatmapRange, paintHeatmap } from './colormap';
import { formatSteps } from './format';
import { powerOfTenLabel } from './axes';
import { useWidth } from './useWidth';

const LUT = buildLut();
const GRADIENT_CSS = `linear-gradient(to right, ${Array.from({ length: 9 }, (_, i) => `rgb(${LUT[i * 32 * 3]},${LUT[i * 32 * 3 + 1]},${LUT[i * 32 * 3 + 2]})`).join(',')}, rgb(${LUT[765]},${LUT[766]},${LUT[767]}))`;

export function Heatmap() {
  const columns = useStore((s) => s.heatColumns);
  const steps = useStore((s) => s.heatSteps);
  const presenter = useStore((s) => s.presenter);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useWidth<HTMLDivElement>();
  const height = presenter ? 220 : 180;
  const T = columns.length ? columns[columns.length - 1].length : 0;
  const [lo, hi] = useMemo(() => heatmapRange(columns), [columns]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const usable = columns.filter((c) => c.length === T);
    if (!usable.length || T === 0) return;
    const image = new ImageData(paintHeatmap(usable, T, lo, hi, LUT) as Uint8ClampedArray<ArrayBuffer>, usable.length, T);
    const bitmapCanvas = new OffscreenCanvas(usable.length, T);
    bitmapCanvas.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    // newest column at the right edge; a short history is drawn at its natural width, not stretched
    const colWidth = Math.max(1, Math.min(6, canvas.width / usable.length));
    const drawnWidth = Math.min(canvas.width, colWidth * usable.length);
    ctx.drawImage(bitmapCanvas, canvas.width - drawnWidth, 0, drawnWidth, canvas.height);
  }, [columns, T, lo, hi, width, height]);

  return (
    <section className="panel heatmap" aria-labelledby="heat-title">
      <h2 id="heat-title">‖∂L/∂h_t‖ over training</h2>
      <div className="heat-body">
        <div className="heat-axis-y" aria-hidden="true">
          <span>t = 0</span>
          <span>t = {Math.max(0, T - 1)}</span>
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
