// Result CSVs as tables of cells: read back (merge, check's baselines, report) and written with the
// same formatting as every other poolsim CSV (csv.ts), so that a file read and written again is the
// same bytes.
import { csvLine, formatCell, formulaText } from './csv.js';

export interface Table {
  header: string[];
  rows: string[][];
}

export class CsvFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

/**
 * RFC 4180: quoted cells with doubled quotes; every row must have the header's width. A text cell
 * quoted against spreadsheet formulas (`'=1+2`, csv.ts's formulaSafe) reads as the text it was
 * written from, so names match the scenario's, and tableToCsv writes the same bytes again.
 */
export function parseCsv(text: string, file = '<csv>'): Table {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(formulaText(cell));
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(formulaText(cell));
      records.push(row);
      row = [];
      cell = '';
      line++;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new CsvFormatError(file, line, 'unterminated quoted cell');
  if (cell !== '' || row.length > 0) {
    row.push(formulaText(cell));
    records.push(row);
  }
  if (records.length === 0) throw new CsvFormatError(file, 1, 'empty file: expected a header line');
  const header = records[0]!;
  const rows = records.slice(1).filter((r) => !(r.length === 1 && r[0] === ''));
  rows.forEach((r, k) => {
    if (r.length !== header.length) throw new CsvFormatError(file, k + 2, `${r.length} cells, but the header has ${header.length}`);
  });
  return { header, rows };
}

export function tableToCsv(table: Table): string {
  let out = csvLine(table.header);
  for (const r of table.rows) out += csvLine(r);
  return out;
}

/** A cell as a number: '' is NaN (not measured), 'inf' infinity. */
export function cellNumber(cell: string): number {
  if (cell === '') return Number.NaN;
  if (cell === 'inf') return Infinity;
  if (cell === '-inf') return -Infinity;
  return Number(cell);
}

export function columnIndex(table: Table, name: string): number {
  return table.header.indexOf(name);
}

/** A value as a table cell: numbers formatted as in every poolsim CSV, text as is (quoting happens on writing). */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'number' ? formatCell(v) : String(v);
}
