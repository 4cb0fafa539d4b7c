// Connectivity: ‖∂y_t/∂x_s‖ for one output step t against every input step s ≤ t, on a log axis — how much
// each earlier input still moves the output now. Computed from the network that is training (not a
// pretrained one). Optionally the whole lower triangle as a heat map (rows t, columns s); click a row to pick t.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { buildLut, colorOf, heatmapRange } from '../colormap';
import { PALETTE } from '../palette';
import { SvgChart, type ChartSeries } from '../SvgChart';
import { connectivityPoints, memorySpan } from './views';
import './inside.css';

export interface ConnectivityChartProps {
  /** C(t, s) for s = 0..t (ConnectivityResult.mean, or one batch row's). */
  values: ArrayLike<number>;
  t: number;
  /** The sequence length, so the t picker spans 0..T−1. */
  T: number;
  /** When given, a slider (and the heat map's rows) let the user choose t. */
  onPickT?: (t: number) => void;
  /** Per batch row, drawn faintly behind the mean (a few rows at most). */
  perRow?: ArrayLike<number>[];
  /** connectivityMatrix(...): row t holds C(t, 0..t). */
  matrix?: ArrayLike<number>[];
  /** e.g. "step 1 200 · validation sequence 0". */
  caption?: string;
}

function MatrixCanvas({ matrix, t, onPickT }: { matrix: ArrayLike<number>[]; t: number; onPickT?: (t: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const lut = useMemo(() => buildLut(), []);
  const T = matrix.length;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || T === 0) return;
    const [lo, hi] = heatmapRange(matrix, 2);
    const image = ctx.createImageData(T, T);
    for (let row = 0; row < T; row++) {
      for (let s = 0; s < T; s++) {
        const o = (row * T + s) * 4;
        if (s > row) {
          image.data.set([246, 247, 249, 255], o); // the future: no dependence by causality
          continue;
        }
        const [r, g, b] = colorOf(matrix[row][s], lo, hi, lut);
        image.data.set([r, g, b, row === t ? 255 : 215], o);
      }
    }
    ctx.putImageData(image, 0, 0);
  }, [matrix, T, t, lut]);
  return (
    <div className="conn-matrix">
      <canvas
        ref={ref}
        width={T}
        height={T}
        role="img"
        aria-label="connectivity for every output step: rows t (top = 0), columns s; brighter = stronger"
        onClick={(e) => {
          if (!onPickT) return;
          const rect = e.currentTarget.getBoundingClientRect();
          onPickT(Math.max(0, Math.min(T - 1, Math.floor(((e.clientY - rect.top) / rect.height) * T))));
        }}
      />
      <div className="muted">rows: output step t (top = 0) · columns: input step s · viridis, log scale · click a row to pick t</div>
    </div>
  );
}

function ConnectivityChartImpl({ values, t, T, onPickT, perRow, matrix, caption }: ConnectivityChartProps) {
  const series: ChartSeries[] = [
    ...(perRow ?? []).slice(0, 4).map((row, b) => ({ id: `row${b}`, label: `sequence ${b}`, color: PALETTE.sky, points: connectivityPoints(row, t), dashed: true })),
    { id: 'mean', label: perRow && perRow.length > 1 ? 'mean over sequences' : `‖∂y_${t}/∂x_s‖`, color: PALETTE.blue, points: connectivityPoints(values, t) },
  ];
  const span = memorySpan(values);
  // The slider follows the hand at once; the chart follows when the caller delivers C for the new t.
  // A new t or new values from the caller end the drag (compared with what was last shown, during render).
  const [dragT, setDragT] = useState<number | null>(null);
  const [delivered, setDelivered] = useState({ t, values });
  if (delivered.t !== t || delivered.values !== values) {
    setDelivered({ t, values });
    setDragT(null);
  }
  const shownT = dragT ?? t;
  return (
    <section className="panel" aria-labelledby="conn-title" data-testid="connectivity">
      <div className="panel-head">
        <h2 id="conn-title">Connectivity: what output {t} still sees</h2>
        <span className="readout" data-span={span}>
          above 1% of its peak up to {span} step{span === 1 ? '' : 's'} back
          {caption ? ` · ${caption}` : ''}
        </span>
      </div>
      <SvgChart series={series} height={220} xLabel="input step s" yLabel="‖∂y_t/∂x_s‖" yLog xDomain={[0, Math.max(1, t)]} guides={[]} ariaLabel={`‖∂y_${t}/∂x_s‖ for each input step s ≤ ${t}: above 1% of its peak up to ${span} step${span === 1 ? '' : 's'} back`} testId="connectivity-chart" />
      {onPickT && (
        <div className="cd-controls">
          <label htmlFor="conn-t">output step t</label>
          <input
            id="conn-t"
            type="range"
            min={0}
            max={T - 1}
            value={shownT}
            onChange={(e) => {
              setDragT(Number(e.target.value));
              onPickT(Number(e.target.value));
            }}
          />
          <span className="readout">
            t = {shownT} / {T - 1}
            {shownT !== t ? ' (computing…)' : ''}
          </span>
        </div>
      )}
      {matrix && matrix.length > 0 && <MatrixCanvas matrix={matrix} t={t} onPickT={onPickT} />}
    </section>
  );
}

export const ConnectivityChart = memo(ConnectivityChartImpl);
