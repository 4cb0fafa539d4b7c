// Take the run with you: first the whole run as one zip that runs as it is (weights, script, data, check file,
// link, README), then its parts — the weights (safetensors), a PyTorch script that continues it, a check file,
// the metric history (CSV, JSON), every chart (PNG, SVG); and bring a model in (file picker or drop).
// Self-contained: the page passes what it knows through props (ExportSection.tsx mounts it).
import { encodeRun } from '../../core/lessons';
import { useCallback, useId, useState, type DragEvent } from 'react';
import type { Config } from '../../core/config';
import { importModel, MAX_MODEL_BYTES, type ImportedModel } from '../../core/export/importModel';
import { metricsToCsv, metricsToJson, profilesToCsv, type MetricRecord, type ProfileRecord } from '../../core/export/metrics';
import { checkFileFromModel, pytorchScript, scriptFileName } from '../../core/export/pytorch';
import type { Batch } from '../../core/batch';
import { cellLabel, type ModelSpec } from '../../core/spec';
import type { TaskData } from '../../core/tasks/task';
import { chartPng, download, findCharts, svgDocument, type ChartTarget } from './chartExport';
import { fileSlug, runFileStem } from './chartFiles';
import { formatBytes } from './exportData';
import { runZip } from './runZip';
import './export.css';

export interface ExportPanelProps {
  config: Config;
  /** The live model's spec; null while there is none (the buttons that need it are disabled). */
  spec: ModelSpec | null;
  step: number;
  /** The current weights as a safetensors file (from the worker's Trainer.exportSafetensors(exportMetadata(config, step))). */
  getModel: () => Promise<Uint8Array>;
  /** Metric rows and ‖∂L/∂h_t‖ profiles to export (metricsFromStore(useStore.getState()) on the page). */
  getMetrics: () => { records: MetricRecord[]; profiles: ProfileRecord[] };
  /** Where charts are looked for (default: the whole document). */
  chartsRoot?: () => ParentNode | null;
  /** A checked model to load into the playground. Throw to report a problem (e.g. it does not fit the task). */
  onImport: (model: ImportedModel) => void | Promise<void>;
  maxImportBytes?: number;
  /** CSV task: the column trained on (the script's --column default). */
  csvColumn?: string;
  /** Validation sequences to compute the check file on; null while there is no task. */
  getCheckBatch?: () => Batch | null;
  /** The current model on one sequence (T, 1, X) → head outputs (T, 1, Y), for the check file. */
  forward?: (x: Float32Array, T: number) => Promise<Float32Array>;
  /** True while the run is paused: the weights hold still, so a check file pairs with the weights downloaded. */
  paused: boolean;
  /** What the run trained on (the corpus text, the CSV column), written into the zip as the script's data file. */
  getRunData: () => TaskData;
  /** The run's link, for the zip's config.txt. */
  getLink: () => string;
}

type Message = { kind: 'info' | 'error'; text: string } | null;

export function ExportPanel(props: ExportPanelProps) {
  const { config, spec, step } = props;
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const [charts, setCharts] = useState<ChartTarget[]>([]);
  const [dragging, setDragging] = useState(false);
  const titleId = useId();
  const fileId = useId();
  const { paused, forward, getCheckBatch } = props;
  const stem = runFileStem(config.task, config.cell, step);
  const maxBytes = props.maxImportBytes ?? MAX_MODEL_BYTES;

  /** Runs an export action, reporting its failure in words. */
  const act = useCallback(async (what: string, fn: () => Promise<void> | void) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
    } catch (e) {
      setMessage({ kind: 'error', text: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  }, []);

  /** check.json from the weights the model has now; null with the reason when there is none to take. */
  const takeCheck = async (): Promise<{ json: string } | { why: string }> => {
    if (!paused) return { why: 'the run is training: pause it for a check file that matches the weights' };
    const batch = getCheckBatch?.();
    if (!batch || !forward) return { why: 'there is no model to check yet' };
    return { json: await checkFileFromModel(batch, step, forward) };
  };

  const saveRun = () =>
    act('Packing the run', async () => {
      if (!spec) throw new Error('there is no model yet');
      const weights = await props.getModel();
      const check = await takeCheck();
      const zip = runZip({
        config,
        spec,
        step,
        weights,
        link: props.getLink(),
        data: props.getRunData(),
        check: 'json' in check ? check.json : null,
      });
      download(zip, `${stem}.zip`, 'application/zip');
      const without = 'why' in check ? ` No check.json: ${check.why}.` : '';
      setMessage({ kind: 'info', text: `${stem}.zip: ${formatBytes(zip.length)}. Unzip it and run python3 train.py in that folder (needs PyTorch); README.txt lists the commands.${without}` });
    });

  const saveModel = () =>
    act('Downloading the model', async () => {
      const bytes = await props.getModel();
      download(bytes, `${stem}.safetensors`);
      setMessage({ kind: 'info', text: `model.safetensors: ${formatBytes(bytes.length)}. The script loads it as model.safetensors — rename it, or pass --weights.` });
    });

  const saveScript = () =>
    act('Writing the PyTorch script', () => {
      if (!spec) throw new Error('there is no model yet');
      const text = pytorchScript(config, spec, { csvColumn: props.csvColumn });
      download(text, scriptFileName(config), 'text/x-python');
      const data = config.task === 'char' ? ' It reads the corpus text; keep that file next to it.' : config.task === 'csv' ? ' It reads your CSV file (data.csv, or --data).' : '';
      setMessage({ kind: 'info', text: `${scriptFileName(config)}: python3 ${scriptFileName(config)} (needs PyTorch).${data}` });
    });

  const saveCheck = () =>
    act('Writing the check file', async () => {
      const check = await takeCheck();
      if ('why' in check) throw new Error(check.why);
      download(check.json, 'check.json', 'application/json');
      setMessage({ kind: 'info', text: `check.json: python3 ${scriptFileName(config)} --check check.json compares PyTorch's outputs with these (tolerance 1e-4).` });
    });

  const saveMetrics = (format: 'csv' | 'gradients' | 'json') =>
    act('Exporting the metrics', () => {
      const { records, profiles } = props.getMetrics();
      if (format === 'csv') download(metricsToCsv(records), `${stem}-metrics.csv`, 'text/csv');
      else if (format === 'gradients') download(profilesToCsv(profiles), `${stem}-dh-norm.csv`, 'text/csv');
      else download(metricsToJson(records, profiles, encodeRun(config)), `${stem}-metrics.json`, 'application/json');
    });

  const refreshCharts = () => setCharts(findCharts(props.chartsRoot?.() ?? document));

  const saveChart = (chart: ChartTarget, format: 'png' | 'svg') =>
    act(`Exporting "${chart.title}"`, async () => {
      const name = `${stem}-${fileSlug(chart.title)}.${format}`;
      if (format === 'svg') download(svgDocument(chart.element as SVGSVGElement), name, 'image/svg+xml');
      else download(await chartPng(chart), name, 'image/png');
    });

  const importFile = (file: File) =>
    act(`Importing ${file.name}`, async () => {
      // Refuse by size before reading a byte.
      if (file.size > maxBytes) {
        setMessage({ kind: 'error', text: `${file.name} is ${formatBytes(file.size)}; the limit for a model is ${formatBytes(maxBytes)}.` });
        return;
      }
      const result = importModel(new Uint8Array(await file.arrayBuffer()), maxBytes);
      if (!result.ok) {
        setMessage({ kind: 'error', text: `${file.name}: ${result.error}` });
        return;
      }
      await props.onImport(result.model);
      const m = result.model;
      const what = `${cellLabel(m.spec.cell, m.spec.variant)}, H = ${m.spec.hiddenSize}, ${m.spec.numLayers} layer${m.spec.numLayers === 1 ? '' : 's'}`;
      const trained = m.step !== null ? `, trained ${m.step} steps` : '';
      setMessage({ kind: 'info', text: `Loaded ${file.name}: ${what}${trained}. ${m.notes.join(' ')}`.trim() });
    });

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void importFile(file);
  };

  return (
    <section className="panel export-panel" aria-labelledby={titleId} data-testid="export-panel">
      <div className="panel-head">
        <h2 id={titleId}>Take it with you</h2>
        <span className="muted">step {step}</span>
      </div>

      <div className="export-run">
        <button type="button" className="primary" onClick={saveRun} disabled={busy || !spec} data-testid="export-run-zip">
          Download run (.zip)
        </button>
        <span className="muted">
          train.py, model.safetensors, the data{paused ? ', check.json' : ''}, the link and a README: unzip, then <code>python3 train.py</code>
        </span>
      </div>

      <div className="export-groups">
        <div role="group" aria-label="Model" className="export-group">
          <h3>Model</h3>
          <button type="button" onClick={saveModel} disabled={busy || !spec} data-testid="export-model">
            Weights (.safetensors)
          </button>
          <button type="button" onClick={saveScript} disabled={busy || !spec} data-testid="export-script">
            PyTorch script ({scriptFileName(config)})
          </button>
          {forward && (
            <button type="button" onClick={saveCheck} disabled={busy || !spec} data-testid="export-check">
              Outputs to check against (check.json)
            </button>
          )}
        </div>

        <div role="group" aria-label="Metrics" className="export-group">
          <h3>Metrics</h3>
          <button type="button" onClick={() => saveMetrics('csv')} disabled={busy} data-testid="export-csv">
            History (CSV)
          </button>
          <button type="button" onClick={() => saveMetrics('gradients')} disabled={busy} data-testid="export-dh-csv">
            ‖∂L/∂h<sub>t</sub>‖ per step (CSV)
          </button>
          <button type="button" onClick={() => saveMetrics('json')} disabled={busy} data-testid="export-json">
            Everything (JSON)
          </button>
        </div>

        <div role="group" aria-label="Charts" className="export-group">
          <h3>Charts</h3>
          <button type="button" onClick={refreshCharts} aria-expanded={charts.length > 0} data-testid="export-find-charts">
            {charts.length > 0 ? 'Refresh the chart list' : 'List the charts'}
          </button>
          {charts.length > 0 && (
            <ul className="export-charts">
              {charts.map((chart, i) => (
                <li key={`${chart.title}-${i}`}>
                  <span className="export-chart-title">{chart.title}</span>
                  <button type="button" onClick={() => saveChart(chart, 'png')} disabled={busy} aria-label={`${chart.title} as PNG`}>
                    PNG
                  </button>
                  {chart.element instanceof SVGSVGElement && (
                    <button type="button" onClick={() => saveChart(chart, 'svg')} disabled={busy} aria-label={`${chart.title} as SVG`}>
                      SVG
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div
        className={`export-drop${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="import-drop"
      >
        <label htmlFor={fileId}>Import a model (.safetensors): choose a file or drop it here</label>
        <input
          id={fileId}
          type="file"
          accept=".safetensors,application/octet-stream"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importFile(file);
            e.target.value = ''; // the same file can be chosen again
          }}
          data-testid="import-file"
        />
        <span className="muted">Up to {formatBytes(maxBytes)}. Names, shapes and sizes are checked before anything changes.</span>
      </div>

      <p className={`export-message ${message?.kind ?? ''}`} role={message?.kind === 'error' ? 'alert' : 'status'} aria-live="polite" data-testid="export-message">
        {message?.text ?? ''}
      </p>
    </section>
  );
}
