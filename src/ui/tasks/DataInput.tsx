// The user's own data: a CSV file (picker or drag-and-drop, then a column) or a text (pasted or a
// dropped .txt). Everything is checked — including that the task can be built with the current window —
// before `onData` is called, so bad input shows a message here and the running task is left alone.
import { useState, type DragEvent } from 'react';
import type { Config } from '../../core/config';
import { createTask } from '../../core/tasks';
import { checkCsvSize, csvColumn, decodeCsvBytes, defaultColumn, parseCsv, type ParsedCsv } from '../../core/tasks/csv';
import type { TaskData } from '../../core/tasks/task';
import { decodeUserTextBytes, MAX_TEXT_BYTES, prepareUserText } from '../../core/tasks/text';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function readBytes(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

function useDrop(onFile: (file: File) => void) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        e.preventDefault();
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (file) onFile(file);
      },
    },
  };
}

/** Shown for tasks that need the user's data (csv, char with corpus = user); renders nothing otherwise. */
export function DataInput({ config, onData }: { config: Config; onData: (data: TaskData) => void }) {
  if (config.task === 'csv') return <CsvInput config={config} onData={onData} />;
  if (config.task === 'char' && config.corpus === 'user') return <TextInput config={config} onData={onData} />;
  return null;
}

function CsvInput({ config, onData }: { config: Config; onData: (data: TaskData) => void }) {
  const [fileName, setFileName] = useState<string | null>(null);
  const [parsed, setParsed] = useState<ParsedCsv | null>(null);
  const [column, setColumn] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  function chooseColumn(p: ParsedCsv, name: string) {
    setColumn(name);
    setStatus(null);
    try {
      const values = csvColumn(p, name);
      const series = { name, values };
      createTask(config, { series }); // throws with a message if the window does not fit
      setError(null);
      setStatus(`Using “${name}”: ${values.length} values; the first 80% train, the last 20% validate. Window T = ${config.T}.`);
      onData({ series });
    } catch (e) {
      setError(message(e));
    }
  }

  async function load(file: File) {
    setError(null);
    setStatus(null);
    try {
      checkCsvSize(file.size); // refuse enormous files before reading them
      const p = parseCsv(decodeCsvBytes(await readBytes(file)));
      setFileName(file.name);
      setParsed(p);
      const name = defaultColumn(p);
      if (name === null) throw new Error('The file has no numeric column to predict.');
      chooseColumn(p, name);
    } catch (e) {
      setError(`${file.name}: ${message(e)}`);
    }
  }

  const drop = useDrop((f) => void load(f));
  const numeric = parsed ? parsed.columns.filter((c) => c.kind === 'numeric') : [];
  const skipped = parsed ? parsed.columns.filter((c) => c.kind !== 'numeric') : [];
  return (
    <div className="data-input" data-testid="csv-input">
      <div className={`drop-zone ${drop.over ? 'over' : ''}`} {...drop.handlers}>
        Drop a CSV file here (a header row, then one row per day), or{' '}
        <label>
          <input type="file" accept=".csv,.tsv,.txt,text/csv" aria-label="choose a CSV file" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </label>
      </div>
      {parsed && (
        <div className="task-controls">
          <span>{fileName}: {parsed.rowCount} rows</span>
          <label>
            column to predict
            <select value={column} onChange={(e) => chooseColumn(parsed, e.target.value)}>
              {numeric.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select>
          </label>
          {skipped.length > 0 && <span className="muted">not numeric: {skipped.map((c) => c.name).join(', ')}</span>}
        </div>
      )}
      {error && <p className="data-error" role="alert">{error}</p>}
      {status && <p className="data-ok">{status}</p>}
    </div>
  );
}

function TextInput({ config, onData }: { config: Config; onData: (data: TaskData) => void }) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  // (not named `use`: that name is React's hook)
  function applyText(text: string, source: string) {
    try {
      const prepared = prepareUserText(text);
      createTask(config, { text: prepared }); // throws with a message if T does not fit
      setError(null);
      setStatus(`Using ${source}: ${Array.from(prepared).length.toLocaleString('en')} characters.`);
      onData({ text: prepared });
    } catch (e) {
      setError(message(e));
      setStatus(null);
    }
  }

  async function load(file: File) {
    try {
      if (file.size > MAX_TEXT_BYTES) throw new Error(`The file is ${(file.size / (1024 * 1024)).toFixed(1)} MB; the limit is ${MAX_TEXT_BYTES / (1024 * 1024)} MB. Use a shorter excerpt.`);
      const text = decodeUserTextBytes(await readBytes(file));
      setDraft(text.length > 20000 ? text.slice(0, 20000) + '\n…' : text);
      applyText(text, file.name);
    } catch (e) {
      setError(`${file.name}: ${message(e)}`);
      setStatus(null);
    }
  }

  const drop = useDrop((f) => void load(f));
  return (
    <div className="data-input" data-testid="text-input">
      <div className={`drop-zone ${drop.over ? 'over' : ''}`} {...drop.handlers}>
        Paste text below or drop a UTF-8 .txt file here (up to 2 MB), or{' '}
        <input type="file" accept=".txt,text/plain" aria-label="choose a text file" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
      </div>
      <textarea value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="your text" placeholder="Paste a few pages of text: a poem collection, a play, some code…" />
      <div className="task-controls">
        <button type="button" className="primary" onClick={() => applyText(draft, 'the pasted text')} disabled={draft.trim() === ''}>use this text</button>
      </div>
      {error && <p className="data-error" role="alert">{error}</p>}
      {status && <p className="data-ok">{status}</p>}
    </div>
  );
}
