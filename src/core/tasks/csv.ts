// The user's own series from a CSV file: read bytes safely, parse, detect numeric columns, pick one.
// Every failure is an Error whose message can be shown to the user as it is.

export const MAX_CSV_BYTES = 20 * 1024 * 1024;

export type ColumnKind = 'numeric' | 'date' | 'text' | 'empty';

export interface CsvColumn {
  name: string;
  kind: ColumnKind;
  /** Present for numeric columns: the values in file order. */
  values?: Float64Array;
  /** For text columns: the first cell that is not a number, with its file line (header = line 1). */
  firstBad?: { line: number; value: string };
  /** For numeric columns with gaps: the file line of the first empty cell. */
  firstEmptyLine?: number;
}

export interface ParsedCsv {
  delimiter: ',' | ';' | '\t';
  header: string[];
  rowCount: number; // data rows, header excluded
  columns: CsvColumn[];
}

const formatMB = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Refuses a file by its size alone, before anything is read or parsed. */
export function checkCsvSize(bytes: number): void {
  if (bytes === 0) throw new Error('The file is empty.');
  if (bytes > MAX_CSV_BYTES) {
    throw new Error(`The file is ${formatMB(bytes)}; the limit is ${formatMB(MAX_CSV_BYTES)}. Use a shorter excerpt of the data.`);
  }
}

/** Bytes of a file → text: size limit, binary detection, UTF-8 (Windows-1252 as a fallback, since numbers are ASCII either way). */
export function decodeCsvBytes(bytes: Uint8Array): string {
  checkCsvSize(bytes.length);
  if (looksBinary(bytes)) throw new Error('This does not look like a CSV file: it contains binary data (e.g. a spreadsheet or an image). Export it as CSV first.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return text;
}

/** NUL bytes, or many control characters in the first 8 KB, mean binary content. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  return n > 0 && control / n > 0.05;
}

/** Splits CSV text into records (arrays of fields), honouring quotes ("" is a quote inside quotes). */
function splitRecords(text: string, delimiter: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let sawAnything = false;
  const endRecord = () => {
    fields.push(field);
    // Blank lines are skipped; a record of one empty field is a blank line.
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    sawAnything = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!sawAnything) {
      recordLine = line;
      sawAnything = true;
    }
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      field = '';
      inQuotes = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else {
      field += c;
    }
  }
  if (inQuotes) throw new Error(`A quoted field that starts on line ${recordLine} is never closed.`);
  if (sawAnything) endRecord();
  return records;
}

/** The delimiter that splits the header line into the most fields (outside quotes). */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  let firstLine = '';
  let inQuotes = false;
  for (const c of text) {
    if (c === '"') inQuotes = !inQuotes;
    if (!inQuotes && (c === '\n' || c === '\r')) {
      if (firstLine.trim() !== '') break;
      firstLine = '';
      continue;
    }
    firstLine += c;
  }
  const count = (d: string) => {
    let k = 0;
    let q = false;
    for (const c of firstLine) {
      if (c === '"') q = !q;
      else if (!q && c === d) k++;
    }
    return k;
  };
  const candidates: (',' | ';' | '\t')[] = [',', ';', '\t'];
  let best: ',' | ';' | '\t' = ',';
  for (const d of candidates) if (count(d) > count(best)) best = d;
  return best;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NUMBER_DECIMAL_COMMA = /^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

/** A cell as a number, or null. With ';' or tab delimiters a decimal comma ("1,5") is accepted too. */
export function parseNumber(cell: string, decimalComma: boolean): number | null {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  if (decimalComma && NUMBER_DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
  return null;
}

/** Parses CSV text with a header row. Throws with a clear message on empty, header-less or ragged files. */
export function parseCsv(text: string): ParsedCsv {
  if (text.length > MAX_CSV_BYTES) checkCsvSize(text.length);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  if (text.trim() === '') throw new Error('The file is empty.');
  if (text.includes('\u0000')) throw new Error('This does not look like a CSV file: it contains binary data.');
  const delimiter = detectDelimiter(text);
  const records = splitRecords(text, delimiter);
  const decimalComma = delimiter !== ',';
  const header = records[0].fields.map((h) => h.trim());
  const isData = (h: string) => parseNumber(h, decimalComma) !== null || DATE.test(h);
  if (header.some((h) => h !== '') && header.every((h) => h === '' || isData(h))) {
    throw new Error('The first line holds numbers, not column names: add a header row (e.g. "date,close").');
  }
  const width = header.length;
  const rows = records.slice(1);
  if (rows.length === 0) throw new Error('The file has a header row but no data rows.');
  for (const r of rows) {
    if (r.fields.length !== width) {
      throw new Error(`Line ${r.line} has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'} but the header has ${width}.`);
    }
  }
  const columns: CsvColumn[] = header.map((name, c) => {
    const label = name === '' ? `column ${c + 1}` : name;
    const values = new Float64Array(rows.length);
    let firstBad: CsvColumn['firstBad'];
    let firstEmptyLine: number | undefined;
    let dates = 0;
    let filled = 0;
    for (let r = 0; r < rows.length; r++) {
      const cell = rows[r].fields[c].trim();
      if (cell === '') {
        firstEmptyLine ??= rows[r].line;
        values[r] = NaN;
        continue;
      }
      filled++;
      const v = parseNumber(cell, decimalComma);
      if (v !== null) values[r] = v;
      else {
        if (DATE.test(cell)) dates++;
        firstBad ??= { line: rows[r].line, value: cell };
        values[r] = NaN;
      }
    }
    if (filled === 0) return { name: label, kind: 'empty' };
    if (firstBad === undefined) return { name: label, kind: 'numeric', values, firstEmptyLine };
    if (dates === filled) return { name: label, kind: 'date' };
    return { name: label, kind: 'text', firstBad };
  });
  return { delimiter, header, rowCount: rows.length, columns };
}

/** The numeric column the lesson would pick: one named like a price ("close", "price", "value"), else the last numeric one. */
export function defaultColumn(parsed: ParsedCsv): string | null {
  const numeric = parsed.columns.filter((c) => c.kind === 'numeric');
  if (numeric.length === 0) return null;
  for (const pattern of [/^adj.*close$/i, /close/i, /price/i, /value/i]) {
    const hit = numeric.find((c) => pattern.test(c.name));
    if (hit) return hit.name;
  }
  return numeric[numeric.length - 1].name;
}

/** One column's values, or an Error saying why this column cannot be used. */
export function csvColumn(parsed: ParsedCsv, name: string): Float64Array {
  const column = parsed.columns.find((c) => c.name === name);
  const numericNames = parsed.columns.filter((c) => c.kind === 'numeric').map((c) => `"${c.name}"`);
  const choices = numericNames.length > 0 ? ` Numeric columns: ${numericNames.join(', ')}.` : ' The file has no numeric column.';
  if (!column) throw new Error(`There is no column "${name}".${choices}`);
  if (column.kind === 'date') throw new Error(`Column "${name}" holds dates, which are not predicted.${choices}`);
  if (column.kind === 'empty') throw new Error(`Column "${name}" is empty.${choices}`);
  if (column.kind === 'text') {
    throw new Error(`Column "${name}" is not numeric: line ${column.firstBad!.line} holds "${column.firstBad!.value.slice(0, 40)}".${choices}`);
  }
  if (column.firstEmptyLine !== undefined) {
    throw new Error(`Column "${name}" has an empty cell on line ${column.firstEmptyLine}; fill or remove that row.`);
  }
  return column.values!;
}

/** Bytes → the chosen (or default) numeric column, as TaskData.series. */
export function seriesFromCsvBytes(bytes: Uint8Array, columnName?: string): { name: string; values: Float64Array; parsed: ParsedCsv } {
  const parsed = parseCsv(decodeCsvBytes(bytes));
  const name = columnName ?? defaultColumn(parsed);
  if (name === null) throw new Error('The file has no numeric column to predict.');
  return { name, values: csvColumn(parsed, name), parsed };
}
