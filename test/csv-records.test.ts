// Trace rows read where they stand (issue 13: W2's loading made an array and a string per field
// for a million rows): scanCsvRecords hands each record over as a CsvRecord whose fields, numbers
// and emptiness are those scanCsv's arrays give, and the generic CSV importer built on it gives
// the jobs, skips and messages of the importer as it was (reading scanCsv's arrays), here as the
// reference `arrayImport`, on random traces, whole or in pieces, past the row blocks' size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEmptyField, parseFiniteNumber, parseUtcTimestampS, requireColumns, scanCsv, scanCsvRecords, type TextPieces } from '../src/scenario/traces/csv-reader.js';
import { parseGenericCsv, type CsvMapping } from '../src/scenario/traces/generic-csv.js';
import { slurmElapsedS, SLURM_ELAPSED_FORM } from '../src/scenario/traces/slurm-elapsed.js';
import { parseGpuSpec } from '../src/scenario/traces/alibaba-openb.js';
import { finishImport } from '../src/scenario/traces/trace-options.js';
import { TraceError } from '../src/scenario/traces/trace-error.js';
import type { TraceImport, TraceJob, TraceSkip } from '../src/scenario/traces/types.js';

const piecesOf = (text: string, cuts: readonly number[]): TextPieces => ({
  *pieces() {
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      const to = Math.min(text.length, c);
      if (to < at) continue;
      yield text.slice(at, to);
      at = to;
    }
    yield text.slice(at);
  },
});

/** Fields that read as numbers, nearly numbers, empty words, or text; and the characters that end or split them. */
const FIELD_PARTS = [
  '0', '7', '64', '007', '123456789012345', '1234567890123456', '99999999999999999999', '1.5', '0.009383661926913894', '1e3', '-2', '+4', '.5',
  '0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', 'nan', 'NULL', 'None', 'na', '', ' ', ' 3 ', '\u00a05', '5\u00a0', '\t', '١', 'abc', 'job-12', 'é',
];
const SEPARATORS = [',', ',', ',', '\t', ';', '|', ' ', '"', '""', '\n', '\r\n', '\r', '\n\n'];
const csvText = fc
  .tuple(fc.boolean(), fc.array(fc.oneof(fc.constantFrom(...FIELD_PARTS), fc.constantFrom(...SEPARATORS)), { maxLength: 60 }))
  .map(([bom, parts]) => (bom ? '\ufeff' : '') + parts.join(''));

/** Everything scanCsv reports, each data field with its number and emptiness as the importers read them. */
function arrays(input: string | TextPieces, layout: { delimiter?: string; header?: boolean }): unknown[] {
  const out: unknown[] = [];
  try {
    const rows = scanCsv(
      input,
      't.csv',
      (h, line) => out.push(['header', line, ...h]),
      (f, line) => {
        const cells: unknown[] = [];
        for (let i = -1; i <= f.length; i++) cells.push([f[i], parseFiniteNumber(f[i]), isEmptyField(f[i])]);
        out.push([line, f.length, f, cells]);
      },
      layout,
    );
    out.push(['rows', rows]);
  } catch (e) {
    out.push(['error', (e as Error).message]);
  }
  return out;
}

/** The same through scanCsvRecords' CsvRecord. */
function records(input: string | TextPieces, layout: { delimiter?: string; header?: boolean }): unknown[] {
  const out: unknown[] = [];
  try {
    const rows = scanCsvRecords(
      input,
      't.csv',
      (h, line) => out.push(['header', line, ...h]),
      (r, line) => {
        const cells: unknown[] = [];
        for (let i = -1; i <= r.count; i++) cells.push([r.field(i), r.finiteNumber(i), r.isEmpty(i)]);
        out.push([line, r.count, r.toArray(), cells]);
      },
      layout,
    );
    out.push(['rows', rows]);
  } catch (e) {
    out.push(['error', (e as Error).message]);
  }
  return out;
}

describe('scanCsvRecords', () => {
  it("gives scanCsv's records, lines, errors, and each field's text, number and emptiness, whole or in pieces (property)", () => {
    fc.assert(
      fc.property(csvText, fc.array(fc.nat({ max: 120 }), { maxLength: 8 }), fc.constantFrom(',', '\t', ';', '|', ' ', '::'), fc.boolean(), (text, cuts, delimiter, headerless) => {
        const layout = { delimiter, ...(headerless ? { header: false } : {}) };
        const want = arrays(text, layout);
        expect(records(text, layout)).toEqual(want);
        expect(records(piecesOf(text, cuts), layout)).toEqual(want);
      }),
      { numRuns: 4000 },
    );
  });

  it('reads whole numbers of up to 15 digits itself, and hands longer ones, signs, exponents and padding to Number', () => {
    const text = 'a,b,c,d,e,f,g,h\n0,007,123456789012345,1234567890123456,-3,1e2, 5,9007199254740993\n';
    const got: unknown[] = [];
    scanCsvRecords(text, 't.csv', () => {}, (r) => {
      for (let i = 0; i < r.count; i++) got.push(r.finiteNumber(i));
    });
    expect(got).toEqual([0, 7, 123456789012345, 1234567890123456, -3, 100, 5, 9007199254740992]);
  });

  it('finds each delimiter once on lines without one (a one-column file of many lines)', () => {
    const lines = 1_000_000;
    const text = `x\n${'7\n'.repeat(lines)}`;
    let sum = 0;
    // Each line searching the rest of the text for a comma (quadratic) took 15 s here, against 0.1 s.
    const started = performance.now();
    const rows = scanCsvRecords(text, 't.csv', () => {}, (r) => void (sum += r.finiteNumber(0)!), { delimiter: ',' });
    expect(performance.now() - started).toBeLessThan(5000);
    expect([rows, sum]).toEqual([lines, 7 * lines]);
  });
});

/**
 * The generic CSV importer as it was before records (src/scenario/traces/generic-csv.ts at
 * 93056ee, reading scanCsv's field arrays), less its option checks, with the expected form of a
 * time it cannot read (as the importer now words it): the reference.
 */
function arrayImport(text: string, mapping: CsvMapping, unitS: number): TraceImport {
  const source = 'csv';
  const separator = mapping.models_separator ?? '|';
  const delimiter = { comma: ',', tab: '\t', semicolon: ';', pipe: '|', space: ' ' }[mapping.delimiter ?? 'comma'];
  const readTimeS = mapping.time_format === 'iso'
    ? (field: string | undefined) => parseUtcTimestampS(field)
    : (field: string | undefined) => {
        const x = parseFiniteNumber(field);
        return x === undefined ? undefined : x * unitS;
      };
  const required: Record<string, string> = { submit: mapping.submit, devices: mapping.devices };
  for (const key of ['duration', 'end', 'gpu_milli', 'allowed_models', 'id', 'group'] as const) {
    const name = mapping[key];
    if (name !== undefined) required[key] = name;
  }
  const jobs: TraceJob[] = [];
  const skipped: TraceSkip[] = [];
  let originS = Infinity;
  let width = 0;
  let dataRow = 0;
  let col: Record<string, number> = {};
  // The column a refused value came from, unless the reason names it already (as the importer does).
  let names: string[] = [];
  const skip = (line: number, reason: string, detail?: string, c = -1): void => {
    const s: TraceSkip = detail === undefined ? { line, reason } : { line, reason, detail };
    if (c >= 0 && !reason.endsWith(` ${names[c]!}`)) s.column = names[c];
    skipped.push(s);
  };
  // A time neither read says the form it expected, and the time_format of the other form when that reads it.
  const iso = mapping.time_format === 'iso';
  const skipTime = (line: number, reason: string, value: string | undefined, c: number): void => {
    skip(line, reason, value, c);
    const expected = iso ? 'an ISO 8601 date and time' : `a number in ${mapping.time_unit ?? 's'}`;
    const other = iso ? parseFiniteNumber(value) !== undefined : parseUtcTimestampS(value) !== undefined;
    skipped[skipped.length - 1]!.expected = expected + (other ? (iso ? '; numbers are read with time_format seconds or unix' : '; a date and time is read with time_format: iso') : '');
  };
  const rows = scanCsv(
    text,
    source,
    (header, line) => {
      width = header.length;
      names = header.map((h) => h.trim());
      col = requireColumns(header, required, source, line);
    },
    (f, line) => {
      dataRow++;
      const at = (key: string): number => col[key] ?? -1;
      if (f.length !== width) return skip(line, 'wrong number of fields', `${f.length} fields, header has ${width}`);
      const submitS = readTimeS(f[at('submit')]);
      if (submitS === undefined) return skipTime(line, 'bad submit', f[at('submit')], at('submit'));
      if (submitS < originS) originS = submitS;
      const rawDevices = parseFiniteNumber(f[at('devices')]);
      if (rawDevices === undefined || rawDevices < 0) return skip(line, 'bad devices', f[at('devices')], at('devices'));
      if (rawDevices === 0) return skip(line, 'no GPU requested');
      let devices = rawDevices;
      let gpuMilli = 1000;
      if (rawDevices > 0 && rawDevices < 1 && at('gpu_milli') < 0) {
        devices = 1;
        gpuMilli = Math.round(rawDevices * 1000);
        if (gpuMilli === 0) return skip(line, 'bad devices', f[at('devices')], at('devices'));
      } else if (!Number.isInteger(rawDevices)) {
        return skip(line, 'bad devices', f[at('devices')], at('devices'));
      } else if (rawDevices > 0 && at('gpu_milli') >= 0 && !isEmptyField(f[at('gpu_milli')])) {
        const milli = parseFiniteNumber(f[at('gpu_milli')]);
        if (milli === undefined || !Number.isInteger(milli) || !(milli >= 1 && milli <= 1000)) return skip(line, 'bad gpu_milli', f[at('gpu_milli')], at('gpu_milli'));
        if (rawDevices > 1 && milli !== 1000) return skip(line, 'fractional share of a multi-GPU job', `devices ${rawDevices}, gpu_milli ${milli}`);
        gpuMilli = milli;
      }
      let durationS: number | undefined;
      let durationFrom = at('duration');
      if (at('duration') >= 0 && !isEmptyField(f[at('duration')])) {
        const d = parseFiniteNumber(f[at('duration')]);
        const elapsedS = d === undefined ? slurmElapsedS(f[at('duration')]) : undefined;
        if (d === undefined && elapsedS === undefined) {
          skip(line, 'bad duration', f[at('duration')], at('duration'));
          skipped[skipped.length - 1]!.expected = `a number in ${mapping.time_unit ?? 's'}, or ${SLURM_ELAPSED_FORM}`;
          return;
        }
        durationS = d === undefined ? elapsedS! : d * unitS;
      } else {
        durationFrom = at('end');
        if (at('end') < 0) return skip(line, 'bad duration', f[at('duration')], at('duration'));
        const endS = readTimeS(f[at('end')]);
        if (endS === undefined) return skipTime(line, 'bad end', f[at('end')], at('end'));
        durationS = endS - submitS;
      }
      if (!(durationS > 0)) {
        // The computed run time and the cells it came from (end - submit here: the reference has no start).
        const cell = (c: number) => (mapping.header === false ? `column ${names[c]}: ${f[c]!.trim()}` : `${names[c]} ${f[c]!.trim()}`);
        const unit = mapping.time_unit ?? 's';
        const inSeconds = slurmElapsedS(f[durationFrom]) !== undefined;
        const cells = durationFrom === at('duration') ? `${cell(durationFrom)}${inSeconds ? '' : ` (${unit})`}` : `${cell(durationFrom)} - ${cell(at('submit'))}${iso ? '' : ` (${unit})`}`;
        return skip(line, 'non-positive duration', `${durationS} s from ${cells}`);
      }
      const job: TraceJob = {
        id: at('id') >= 0 && !isEmptyField(f[at('id')]) ? f[at('id')]!.trim() : `job-${dataRow}`,
        submitS,
        durationS,
        devices,
        gpuMilli,
        allowedModels: at('allowed_models') >= 0 ? parseGpuSpec(f[at('allowed_models')], separator) : null,
        line,
      };
      if (at('group') >= 0 && !isEmptyField(f[at('group')])) job.group = f[at('group')]!.trim();
      jobs.push(job);
    },
    { delimiter, header: mapping.header !== false },
  );
  return finishImport(jobs, originS, skipped, rows, source, {}, mapping.id === undefined);
}

/** What an import gives, or its error. */
function outcome(f: () => TraceImport): unknown {
  try {
    const r = f();
    return { ...r, jobs: r.jobs.map((j) => ({ ...j })) };
  } catch (e) {
    return e instanceof TraceError ? ['error', e.message] : e;
  }
}

const VALUES = ['0', '1', '2', '8', '64', '0.5', '0.0004', '1.6480422204108864', '3e2', ' 4 ', '', 'nan', '-1', 'x', '1000', '250', '1.5', '2023-01-02 03:04:05', '2023-01-02T03:04:05Z', 'a|b', 'g1', ' g2 ', '"q,1"', '"7"', '01:00:00', '00:00', '1-02:00:00'];

describe('the generic CSV importer over records', () => {
  it('gives the jobs, skips and errors of the importer over field arrays on random traces, whole or in pieces (property)', () => {
    const mappings: CsvMapping[] = [
      { submit: 'submit', duration: 'duration', devices: 'devices' },
      { submit: 'submit', duration: 'duration', end: 'end', devices: 'devices', gpu_milli: 'milli', id: 'id', group: 'group', allowed_models: 'models' },
      { submit: 'submit', end: 'end', devices: 'devices', id: 'id', time_format: 'iso' },
      { submit: 'submit', duration: 'duration', devices: 'devices', delimiter: 'semicolon', time_unit: 'ms' },
      { submit: '1', duration: '2', devices: '3', header: false },
    ];
    const units = [1, 1, 1, 0.001, 1];
    fc.assert(
      fc.property(
        fc.nat({ max: mappings.length - 1 }),
        fc.array(fc.array(fc.constantFrom(...VALUES), { minLength: 3, maxLength: 8 }), { minLength: 0, maxLength: 12 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 6 }),
        fc.boolean(),
        (m, rows, cuts, crlf) => {
          const mapping = mappings[m]!;
          const d = mapping.delimiter === 'semicolon' ? ';' : ',';
          const header = mapping.header === false ? [] : [['submit', 'duration', 'devices', 'end', 'milli', 'id', 'group', 'models'].join(d)];
          const eol = crlf ? '\r\n' : '\n';
          const text = [...header, ...rows.map((r) => r.join(d))].join(eol) + eol;
          const want = outcome(() => arrayImport(text, mapping, units[m]!));
          expect(outcome(() => parseGenericCsv(text, mapping))).toEqual(want);
          expect(outcome(() => parseGenericCsv(piecesOf(text, cuts), mapping))).toEqual(want);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps rows past the first blocks (more than 2 x 65,536 rows) as the reference does', () => {
    const mapping: CsvMapping = { submit: 'submit', duration: 'duration', devices: 'devices', gpu_milli: 'milli', id: 'id' };
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const lines = ['submit,duration,devices,milli,id'];
    for (let i = 0; i < 140_000; i++) {
      const devices = next() < 0.2 ? 1 : 1 << Math.floor(next() * 7);
      const milli = devices === 1 && next() < 0.3 ? String(1 + Math.floor(next() * 1000)) : '';
      const id = next() < 0.01 ? `dup-${Math.floor(next() * 50)}` : next() < 0.5 ? '' : `j${i}`;
      lines.push(`${Math.floor(next() * 1e6) / 8},${next() * 1000},${devices},${milli},${id}`);
    }
    const text = lines.join('\n');
    expect(outcome(() => parseGenericCsv(text, mapping))).toEqual(outcome(() => arrayImport(text, mapping, 1)));
  });
});
