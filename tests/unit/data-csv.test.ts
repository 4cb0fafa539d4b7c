// The user's CSV: decoding, parsing, column detection, and every error path, then the 60-day lesson.
import { describe, expect, test } from 'vitest';
import { validateBatch } from '../../src/core/batch';
import { defaultConfig } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import {
  checkCsvSize, csvColumn, decodeCsvBytes, defaultColumn, looksBinary, MAX_CSV_BYTES, parseCsv, parseNumber, seriesFromCsvBytes,
} from '../../src/core/tasks/csv';
import type { SeriesTask } from '../../src/core/tasks/series';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A plausible daily price file: date, open, close, volume, ticker. */
function pricesCsv(rows: number, delimiter = ','): string {
  const rng = new Rng(42);
  let price = 100;
  const lines = [['Date', 'Open', 'Close', 'Volume', 'Ticker'].join(delimiter)];
  for (let i = 0; i < rows; i++) {
    const open = price;
    price *= Math.exp(0.01 * rng.normal());
    const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push([day, open.toFixed(2), price.toFixed(2), String(1000 + rng.int(500)), 'ACME'].join(delimiter));
  }
  return lines.join('\n') + '\n';
}

describe('parsing', () => {
  test('comma file: numeric columns detected, dates and text told apart', () => {
    const parsed = parseCsv(pricesCsv(10));
    expect(parsed.delimiter).toBe(',');
    expect(parsed.rowCount).toBe(10);
    expect(parsed.columns.map((c) => [c.name, c.kind])).toEqual([
      ['Date', 'date'], ['Open', 'numeric'], ['Close', 'numeric'], ['Volume', 'numeric'], ['Ticker', 'text'],
    ]);
    expect(defaultColumn(parsed)).toBe('Close');
    expect(csvColumn(parsed, 'Open')[0]).toBe(100);
  });

  test('semicolon and tab delimiters, decimal commas, CRLF, a byte-order mark and blank lines', () => {
    const semi = parseCsv('\uFEFFDatum;Preis\r\n01.02.2024;1,5\r\n\r\n02.02.2024;2,25\r\n');
    expect(semi.delimiter).toBe(';');
    expect(semi.header).toEqual(['Datum', 'Preis']);
    expect(Array.from(csvColumn(semi, 'Preis'))).toEqual([1.5, 2.25]);
    expect(semi.columns[0].kind).toBe('date');
    const tab = parseCsv('a\tb\n1\t2\n3\t4');
    expect(tab.delimiter).toBe('\t');
    expect(Array.from(csvColumn(tab, 'b'))).toEqual([2, 4]);
  });

  test('quoted fields: delimiters, escaped quotes and newlines inside quotes; line numbers stay right', () => {
    const text = 'name,value,note\n"Smith, J.",1,"said ""hi"""\n"multi\nline",2,x\nplain,oops,y\n';
    const parsed = parseCsv(text);
    expect(parsed.rowCount).toBe(3);
    expect(parsed.columns[0].kind).toBe('text');
    expect(parsed.columns[1]).toMatchObject({ kind: 'text', firstBad: { line: 5, value: 'oops' } });
    expect(() => csvColumn(parsed, 'value')).toThrow('Column "value" is not numeric: line 5 holds "oops".');
  });

  test('numbers: signs, exponents and decimals, but not hex, blanks or thousands separators', () => {
    expect(parseNumber(' -1.5e3 ', false)).toBe(-1500);
    expect(parseNumber('.5', false)).toBe(0.5);
    expect(parseNumber('0x10', false)).toBeNull();
    expect(parseNumber('', false)).toBeNull();
    expect(parseNumber('1,5', false)).toBeNull();
    expect(parseNumber('1,5', true)).toBe(1.5);
  });

  test('bytes: UTF-8 and Windows-1252 files both decode', () => {
    expect(parseCsv(decodeCsvBytes(utf8('Größe,Wert\n1,2\n'))).header).toEqual(['Größe', 'Wert']);
    const latin1 = Uint8Array.from([0x47, 0x72, 0xf6, 0xdf, 0x65, 0x2c, 0x57, 0x0a, 0x31, 0x2c, 0x32, 0x0a]); // "Größe,W\n1,2\n"
    expect(parseCsv(decodeCsvBytes(latin1)).header).toEqual(['Größe', 'W']);
  });
});

describe('error paths, each with a message for the user', () => {
  test('empty file', () => {
    expect(() => decodeCsvBytes(new Uint8Array(0))).toThrow('The file is empty.');
    expect(() => parseCsv('  \n\n ')).toThrow('The file is empty.');
  });

  test('no header row', () => {
    expect(() => parseCsv('1.5,2\n3,4\n')).toThrow(/first line holds numbers, not column names/);
    expect(() => parseCsv('2024-01-01,2\n2024-01-02,4\n')).toThrow(/add a header row/);
  });

  test('header only', () => expect(() => parseCsv('a,b\n')).toThrow(/no data rows/));

  test('ragged rows report the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n4,5\n')).toThrow('Line 3 has 1 field but the header has 2.');
    expect(() => parseCsv('a,b\n1,2\n3,4,5\n')).toThrow('Line 3 has 3 fields but the header has 2.');
  });

  test('non-numeric, date, empty and missing columns; gaps', () => {
    const parsed = parseCsv('day,price,label,blank\n2024-01-01,1,a,\n2024-01-02,,b,\n');
    expect(() => csvColumn(parsed, 'label')).toThrow(/not numeric: line 2 holds "a"/);
    expect(() => csvColumn(parsed, 'day')).toThrow(/holds dates/);
    expect(() => csvColumn(parsed, 'blank')).toThrow(/is empty/);
    expect(() => csvColumn(parsed, 'nope')).toThrow(/There is no column "nope". Numeric columns: "price"./);
    expect(() => csvColumn(parsed, 'price')).toThrow(/empty cell on line 3/);
    expect(() => seriesFromCsvBytes(utf8('a,b\nx,y\n'))).toThrow(/no numeric column/);
  });

  test('an unclosed quote', () => expect(() => parseCsv('a,b\n"oops,1\n')).toThrow(/starts on line 2 is never closed/));

  test('binary content (NUL bytes, a PNG signature)', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(looksBinary(png)).toBe(true);
    expect(() => decodeCsvBytes(png)).toThrow(/binary data/);
    expect(looksBinary(utf8(pricesCsv(20)))).toBe(false);
  });

  test('enormous files are refused by size before parsing', () => {
    expect(() => checkCsvSize(MAX_CSV_BYTES + 1)).toThrow('The file is 20.0 MB; the limit is 20.0 MB. Use a shorter excerpt of the data.');
    expect(() => checkCsvSize(50 * 1024 * 1024)).toThrow(/50\.0 MB/);
    expect(() => decodeCsvBytes(new Uint8Array(MAX_CSV_BYTES + 1))).toThrow(/limit is 20\.0 MB/); // zeros: size wins over "binary"
    expect(() => checkCsvSize(MAX_CSV_BYTES)).not.toThrow();
  });

  test('too few rows for the window, and no data at all', () => {
    const { name, values } = seriesFromCsvBytes(utf8(pricesCsv(50)));
    const config = { ...defaultConfig(), task: 'csv' as const, T: 60 };
    expect(() => createTask(config, { series: { name, values } })).toThrow(/The column "Close" has 50 values, too few for a window of 60.*at least 77/);
    expect(() => createTask(config)).toThrow(/needs data: choose a CSV file/);
  });
});

describe('the lesson: predict tomorrow’s price from the last 60 days', () => {
  test('a year of prices: valid train and validation batches, normalised with training statistics', () => {
    const { name, values } = seriesFromCsvBytes(utf8(pricesCsv(252, ';')));
    const task = createTask({ ...defaultConfig(), task: 'csv', T: 60 }, { series: { name, values } }) as SeriesTask;
    expect(task.name).toBe('csv');
    expect(task.split).toBe(201);
    const train = task.batch('train', 16, 60, new Rng(1));
    const val = task.batch('val', 16, 60, new Rng(1));
    expect(validateBatch(train, 1)).toBeNull();
    expect(validateBatch(val, 1)).toBeNull();
    expect(val.mask).toBeDefined(); // 51 validation days: windows reach back into training for their inputs
    let mean = 0;
    for (let i = 0; i < task.split; i++) mean += task.values[i];
    expect(Math.abs(mean / task.split)).toBeLessThan(1e-5);
    expect(task.denormalize(task.values[0])).toBeCloseTo(values[0], 4);
    const m = task.metric(val.x, val); // persistence scores its own baseline
    expect(m.value).toBeCloseTo(m.chance, 10);
  });
});
