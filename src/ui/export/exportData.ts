// What the export panel exports, computed from the page's store (pure, so it is tested without a DOM).
import type { MetricRecord, ProfileRecord, SeriesPoint } from '../../core/export/metrics';
import { recordsFromSeries } from '../../core/export/metrics';

/** The store fields the panel reads (src/state/store.ts MetricsSlice). */
export interface StoreMetrics {
  loss: SeriesPoint[];
  valLoss: SeriesPoint[];
  metric: SeriesPoint[];
  gradNorm: SeriesPoint[];
  sigmaMax: SeriesPoint[];
  spectralRadius: SeriesPoint[];
  heatColumns: Float64Array[]; // the bottom layer's ‖∂L/∂h_t‖ profiles, oldest first
  heatSteps: number[]; // the step of each column
}

/** Chart series → metric rows; heatmap columns → bottom-layer profiles. */
export function metricsFromStore(state: StoreMetrics): { records: MetricRecord[]; profiles: ProfileRecord[] } {
  const records = recordsFromSeries(state);
  const profiles = state.heatColumns.map((column, i) => ({ step: state.heatSteps[i] ?? i, dh: [column] }));
  return { records, profiles };
}

/** "12.3 MB" / "840 kB" / "512 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} bytes`;
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function formatWhen(then: number, now: number): string {
  const s = Math.max(0, (now - then) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(then).toISOString().slice(0, 10);
}
