// CSV formula injection (OWASP "CSV Injection"): a text cell that begins with = + - @ tab CR or NUL
// runs as a formula when a planner opens the CSV in a spreadsheet. poolsim writes such a text cell
// with a single quote before it (numbers, negative ones included, as they are), on every route, and
// reads its own CSVs back to the text they were written from.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine, formatCell, formulaSafe, formulaText, writeCell } from '../src/experiment/csv.js';
import { parseCsv, tableToCsv } from '../src/experiment/csv-table.js';
import { TextChunk } from '../src/experiment/text-chunk.js';
import { writeCsvTraceScenario } from './csv-trace-scenario.js';
import { poolsim } from './helpers.js';

/** A number as a spreadsheet reads it: what formatCell writes for a double, or a sign and digits. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^-?inf$/;

/** What a spreadsheet sees of a written cell: its text once the CSV quoting is undone. */
const seen = (cell: string): string => parseCsvCell(cell);
const parseCsvCell = (cell: string): string => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);

/** Whether a spreadsheet would take the cell's text as a formula. */
const runsAsFormula = (text: string): boolean => /^[=+\-@\t\r\0]/.test(text) && !NUMBER.test(text) && text !== '-';

/** Text cells that favour the characters that matter: leading signs, quotes, digits, separators. */
const texts = fc.oneof(
  fc.string(),
  fc.array(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\0', "'", '"', ',', '1', '2', '.', 'e', 'E', 'i', 'n', 'f', 'A', ' ', 'ü'), { maxLength: 8 }).map((cs) => cs.join('')),
  fc.tuple(fc.constantFrom('=', '+', '-', '@', "'", "''", '\t'), fc.string()).map(([a, b]) => a + b),
  fc.double().map((v) => formatCell(v)),
);

describe('text cells against formulas', () => {
  it('quotes the examples a trace or a scenario could hold, and leaves numbers as they are', () => {
    expect(['=1+2', '+cmd', '-2+3', '@SUM(A1)', '=HYPERLINK("http://x","a,b")', '\tx', '+', "'=1"].map(formatCell)).toEqual([
      "'=1+2",
      "'+cmd",
      "'-2+3",
      "'@SUM(A1)",
      `"'=HYPERLINK(""http://x"",""a,b"")"`,
      "'\tx",
      "'+",
      "''=1",
    ]);
    for (const t of ['-2', '-1.5e-7', '+3', '-0.25', '.5', '-inf', 'inf', '-', "'x", 'job-1', 'A100', ''])
      expect(formatCell(t), t).toBe(t);
    expect([-2, -1.5e-7, -Infinity, -1e300].map(formatCell)).toEqual(['-2', '-1.5e-7', '-inf', '-1e+300']);
  });

  it('no text cell runs as a formula, every text reads back as itself, and writeCell agrees (property)', () => {
    fc.assert(
      fc.property(texts, (t) => {
        const cell = formatCell(t);
        expect(runsAsFormula(seen(cell))).toBe(false);
        // The quote is added only where the text would run, or where it would make the reading ambiguous.
        if (!runsAsFormula(t) && !/^'+[=+\-@\t\r\0]/.test(t)) expect(seen(cell)).toBe(t);
        expect(formulaText(formulaSafe(t))).toBe(t);
        expect(parseCsv(`h,x\n${cell},1\n`).rows[0]![0]).toBe(t);
        const out = new TextChunk();
        writeCell(out, t);
        expect(out.take()).toBe(cell);
      }),
      { numRuns: 20_000 },
    );
  });

  it('a table read back and written again is the same bytes (merge, check --save) (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(texts, texts), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = csvLine(['a', 'b']) + rows.map((r) => csvLine(r)).join('');
        const table = parseCsv(text);
        expect(tableToCsv(table)).toBe(text);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('trace ids on every route (run, compare in workers, shards merged)', () => {
  it('writes job ids that would run as formulas quoted, the same bytes on each route', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-formula-'));
    writeCsvTraceScenario(dir, 'formula', 'id,submit,duration,gpus\n=1+2,0,100,1\n+cmd,1,100,1\n-2+3,2,100,1\n@SUM(A1),3,100,1\n-7,4,100,1\n"=HYPERLINK(""http://x"",""a,b"")",5,100,1\n');
    const run = poolsim('run', join(dir, 's.yaml'), '--out', join(dir, 'run'), '--quiet');
    expect(run.code).toBe(0);
    const ids = (file: string, col: number) => readFileSync(file, 'utf8').split('\n').slice(1, -1).map((l) => l.split(',')[col]);
    const expected = ["'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", '-7', `"'=HYPERLINK(""http://x""`];
    expect(ids(join(dir, 'run', 'jobs.csv'), 0)).toEqual(expected);
    const args = ['compare', join(dir, 's.yaml'), '--policies', 'fifo,sjf', '--seeds', '2', '--jobs', '--quiet'];
    expect(poolsim(...args, '--workers', '2', '--out', join(dir, 'all')).code).toBe(0);
    for (const k of [1, 2]) expect(poolsim(...args, '--workers', '1', '--shard', `${k}/2`, '--out', join(dir, `s${k}`)).code).toBe(0);
    const m = poolsim('merge', join(dir, 'merged', 'runs.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'), '--quiet');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const jobs = readFileSync(join(dir, 'all', 'jobs.csv'), 'utf8');
    expect(readFileSync(join(dir, 'merged', 'jobs.csv'), 'utf8')).toBe(jobs);
    expect(ids(join(dir, 'all', 'jobs.csv'), 1).slice(0, 6)).toEqual(expected);
  });
});
