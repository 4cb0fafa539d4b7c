// The runs kept in this browser: resume one, rename it, delete it (with a confirmation step, no dialog box).
// Self-contained: it reads the RunStore it is given and reports a resumed run through onResume.
import { cellLabel } from '../../core/spec';
import { decodeRun } from '../../core/lessons';
import { useCallback, useEffect, useId, useState } from 'react';
import type { RunStore, RunSummary, SavedRun } from '../../state/runs/runStore';
import { formatBytes, formatWhen } from './exportData';
import './export.css';

export interface RunListProps {
  /** null while the store is opening or when the browser gives none (then `unavailable` says why). */
  store: RunStore | null;
  unavailable?: string | null;
  /** The run on screen now (highlighted, and not deletable while it runs). */
  currentId: string | null;
  onResume: (run: SavedRun) => void | Promise<void>;
  /** Change it (e.g. after each autosave) to list again. */
  refreshKey?: unknown;
}

function describe(run: RunSummary): string {
  const c = decodeRun(run.config).config;
  const cell = cellLabel(c.cell, c.variant);
  return `${c.task}, ${cell}, H ${c.H}`;
}

function listingFailed(e: unknown): { kind: 'error'; text: string } {
  return { kind: 'error', text: `The saved runs could not be listed: ${e instanceof Error ? e.message : String(e)}` };
}

export function RunList({ store, unavailable, currentId, onResume, refreshKey }: RunListProps) {
  // the runs and when they were listed: their ages ("2 min ago") are read against that moment
  const [{ runs, listedAt }, setListing] = useState<{ runs: RunSummary[]; listedAt: number }>({ runs: [], listedAt: 0 });
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const titleId = useId();

  const refresh = useCallback(async () => {
    if (!store) return;
    try {
      const listed = await store.list();
      setListing({ runs: listed, listedAt: Date.now() });
    } catch (e) {
      setMessage(listingFailed(e));
    }
  }, [store]);

  useEffect(() => {
    if (!store) return;
    store.list().then(
      (listed) => setListing({ runs: listed, listedAt: Date.now() }),
      (e: unknown) => setMessage(listingFailed(e)),
    );
  }, [store, refreshKey]);

  const act = async (what: string, fn: () => Promise<void>) => {
    setMessage(null);
    try {
      await fn();
    } catch (e) {
      setMessage({ kind: 'error', text: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
    await refresh();
  };

  const resume = (run: RunSummary) =>
    act(`Resuming "${run.name}"`, async () => {
      const saved = await store!.load(run.id);
      if (!saved) throw new Error('it is no longer saved');
      await onResume(saved);
      setMessage({ kind: 'info', text: `Resumed "${run.name}" at step ${run.step}${saved.checkpoint?.optimizer ? '' : ' (with a fresh optimiser: its state was not kept)'}.` });
    });

  const commitRename = () => {
    if (!editing) return;
    const { id, name } = editing;
    setEditing(null);
    void act('Renaming', () => store!.rename(id, name));
  };

  const remove = (run: RunSummary) => {
    setConfirming(null);
    void act(`Deleting "${run.name}"`, async () => {
      await store!.delete(run.id);
      setMessage({ kind: 'info', text: `Deleted "${run.name}".` });
    });
  };

  return (
    <section className="panel run-list" aria-labelledby={titleId} data-testid="run-list">
      <div className="panel-head">
        <h2 id={titleId}>Saved runs</h2>
        <span className="muted">kept in this browser</span>
      </div>
      {!store && <p className="muted">{unavailable ?? 'Opening the run list…'}</p>}
      {store && runs.length === 0 && <p className="muted">No saved runs yet. The run on screen is saved every few seconds and when you leave the page.</p>}
      {runs.length > 0 && (
        <ul>
          {runs.map((run) => {
            const current = run.id === currentId;
            return (
              <li key={run.id} className={`run-row${current ? ' current' : ''}`} data-testid="run-row" aria-current={current ? 'true' : undefined}>
                {editing?.id === run.id ? (
                  <input
                    type="text"
                    aria-label={`New name for ${run.name}`}
                    value={editing.name}
                    maxLength={120}
                    autoFocus
                    onChange={(e) => setEditing({ id: run.id, name: e.target.value })}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') commitRename();
                      else if (e.key === 'Escape') setEditing(null);
                    }}
                    onBlur={commitRename}
                  />
                ) : (
                  <span className="run-name">{run.name}</span>
                )}
                <span className="muted">
                  {describe(run)} · step {run.step} · {formatWhen(run.updatedAt, listedAt)} · {formatBytes(run.bytes)}
                  {current ? ' · on screen' : ''}
                </span>
                <button type="button" onClick={() => void resume(run)} disabled={current} aria-label={`Resume ${run.name}`}>
                  Resume
                </button>
                <button type="button" onClick={() => setEditing({ id: run.id, name: run.name })} aria-label={`Rename ${run.name}`}>
                  Rename
                </button>
                {confirming === run.id ? (
                  <>
                    <button type="button" className="danger" onClick={() => remove(run)} aria-label={`Yes, delete ${run.name}`} autoFocus>
                      Delete for good
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setConfirming(run.id)} disabled={current} aria-label={`Delete ${run.name}`}>
                    Delete
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p className={`export-message ${message?.kind ?? ''}`} role={message?.kind === 'error' ? 'alert' : 'status'} aria-live="polite">
        {message?.text ?? ''}
      </p>
    </section>
  );
}
