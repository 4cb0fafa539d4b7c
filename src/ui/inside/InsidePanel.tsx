// "Inside the cell": every view of one inspection snapshot (inspectSnapshot, computed in the worker) with
// the pickers that ask for the next one — layer, unit, output step. The panel holds only view state (the
// diagram's step); what to compute is the caller's (it posts the request to the worker).
import { useEffect, useMemo, useRef, useState } from 'react';
import { MATRIX_MAX_STEPS, type InspectRequest, type InspectSnapshot } from '../../core/inspect/snapshot';
import { cellStepValues, hasDiagram } from './cellDiagram';
import { followUpRequest } from './views';
import { CellDiagram } from './CellDiagram';
import { ConnectivityChart } from './ConnectivityChart';
import { GateHistograms } from './GateHistograms';
import { UnitText } from './UnitText';
import './inside.css';

export interface InsidePanelProps {
  snapshot: InspectSnapshot | null;
  /** The training step the snapshot was taken at (for the captions). */
  step?: number;
  /** Ask for a new snapshot (another layer, unit or output step). */
  onRequest: (request: InspectRequest) => void;
  /** True while a requested snapshot is being computed. */
  busy?: boolean;
  /** Connectivity passes of a long inspection (the heat map of a big model), while it runs. */
  progress?: { done: number; total: number } | null;
  /** The request being computed, if any: the pickers show it, and a new pick starts from it. */
  pending?: InspectRequest | null;
}

export function InsidePanel({ snapshot, step, onRequest, busy, progress, pending }: InsidePanelProps) {
  const [diagramStep, setDiagramStep] = useState(0);
  const [textState, setTextState] = useState<'hidden' | 'cells'>('hidden');
  // The t slider moves fast; ask for a new connectivity only once it rests for a moment.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const values = useMemo(() => {
    if (!snapshot || !snapshot.gates) return null;
    const { spec, T, unit } = snapshot;
    if (!hasDiagram(spec.cell)) return null;
    return cellStepValues(
      { hidden: [snapshot.hidden], cells: snapshot.cells ? [snapshot.cells] : undefined, gates: [snapshot.gates] },
      { cell: spec.cell, variant: spec.variant, T, B: 1, H: spec.hiddenSize, unit },
    );
  }, [snapshot]);

  if (!snapshot) {
    return (
      <section className="panel" data-testid="inside-panel">
        <h2>Inside the cell</h2>
        <p className="muted">{busy ? 'Computing…' : 'No inspection yet: train a few steps, then look inside.'}</p>
      </section>
    );
  }
  const { spec, layer, unit, T } = snapshot;
  const request = (patch: Partial<InspectRequest>) => onRequest(pending ? { ...pending, ...patch } : followUpRequest(snapshot, patch));
  const heatMapAsked = pending?.matrix ?? snapshot.matrix !== null;
  const requestT = (t: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => request({ t }), 200);
  };
  const caption = `layer ${layer} · unit ${unit}${step !== undefined ? ` · step ${step}` : ''}`;
  const useCells = textState === 'cells' && snapshot.cells && snapshot.text?.cells;
  return (
    <div className="inside-panel" data-testid="inside-panel" aria-busy={busy}>
      <div className="panel inside-form">
        <strong>Inside the cell</strong>
        {spec.numLayers > 1 && (
          <label>
            layer{' '}
            <select value={layer} onChange={(e) => request({ layer: Number(e.target.value) })}>
              {Array.from({ length: spec.numLayers }, (_, l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          unit <input type="number" min={0} max={spec.hiddenSize - 1} value={unit} onChange={(e) => request({ unit: Number(e.target.value) })} style={{ width: '5rem' }} />
        </label>
        <label>
          <input type="checkbox" checked={heatMapAsked} onChange={(e) => request({ matrix: e.target.checked })} data-testid="heat-map-toggle" /> connectivity for every t (up to {Math.min(snapshot.window, MATRIX_MAX_STEPS)} output steps; slower)
        </label>
        {busy && (
          <span className="muted" data-testid="inspect-progress">
            updating…{progress ? ` connectivity ${progress.done} / ${progress.total} passes` : ''}
          </span>
        )}
      </div>
      {values && (
        <CellDiagram cell={spec.cell as 'lstm' | 'gru'} values={values} step={Math.min(diagramStep, T - 1)} onStep={setDiagramStep} inputLabels={snapshot.inputLabels} caption={caption} />
      )}
      {snapshot.gateStats.length > 0 && <GateHistograms stats={snapshot.gateStats} notes={snapshot.gateNotes} caption={`layer ${layer} · ${snapshot.gatePopulation.B === 1 ? 'one sequence' : `${snapshot.gatePopulation.B} sequences`} of ${snapshot.gatePopulation.T} steps`} />}
      {snapshot.text && (
        <>
          {snapshot.cells && (
            <div className="inside-form">
              <label>
                <input type="radio" name="inside-state" checked={textState === 'hidden'} onChange={() => setTextState('hidden')} /> hidden state h
              </label>
              <label>
                <input type="radio" name="inside-state" checked={textState === 'cells'} onChange={() => setTextState('cells')} /> cell state c
              </label>
            </div>
          )}
          <UnitText
            key={`${textState}-${layer}`}
            chars={snapshot.text.chars}
            states={useCells ? snapshot.cells! : snapshot.hidden}
            B={1}
            H={spec.hiddenSize}
            rankings={useCells ? snapshot.text.cells! : snapshot.text.hidden}
            stateName={useCells ? 'cell c' : 'hidden h'}
            initialUnit={unit}
            onPickUnit={(u) => request({ unit: u })}
            passages={snapshot.text.passages}
            start={snapshot.text.start}
            onPickPassage={(start) => request({ textStart: start })}
          />
        </>
      )}
      <ConnectivityChart values={snapshot.connectivity.mean} t={snapshot.connectivity.t} T={snapshot.window} onPickT={(t) => requestT(t)} matrix={snapshot.matrix ?? undefined} caption={`${step !== undefined ? `step ${step} · ` : ''}computed on ${snapshot.engine === 'webgpu' ? 'the GPU (WebGPU)' : 'the CPU'}`} />
    </div>
  );
}
