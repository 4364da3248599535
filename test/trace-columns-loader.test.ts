// The scenario loader reads a CSV trace of numbers only (no ids, models or groups of its own: W2's
// million rows) straight from the importer's columns (model/resolve/trace-jobs.ts), instead of
// through one record per row. Every other trace goes through the generic loop. These tests load the
// same random traces both ways (the generic loop is taken when the rows come as TraceJob objects)
// and require the same templates (keys, order, Object.is values), reports and warnings, or the same
// refusal (a row beyond the largest time, a row that would end after a century).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { readInputPieces } from '../src/scenario/read-input-file.js';
import { CsvRowReader, JobArrayReader } from '../src/scenario/traces/csv-rows.js';
import type { TextPieces } from '../src/scenario/traces/csv-reader.js';
import { importTraceRows } from '../src/scenario/traces/load-trace.js';
import { importKey } from '../src/scenario/traces/trace-prefetch.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-trace-columns-'));
const file = join(dir, 's.yaml');

interface Case {
  rows: { submit: string; duration: string; devices: string; milli: string }[];
  milliColumn: boolean;
  fixed: boolean;
  horizon: boolean;
  priority: boolean;
  efficiency: boolean;
}

function scenarioText(c: Case): string {
  const mapping = `{ submit: submit, duration: duration, devices: devices${c.milliColumn ? ', gpu_milli: milli' : ''} }`;
  return `name: cols
seed: 5
${c.horizon ? 'horizon: 30d\n' : ''}datacentres:
  - name: dc
    node_groups:
      - { name: n, count: 4, device: H100, devices_per_node: 8 }
workloads:
  - trace:
      format: csv
      path: t.csv
      mapping: ${mapping}
      reference_device: H100${c.fixed ? '\n      runtime: fixed' : ''}${c.priority ? "\n      priority: { '': 3 }" : ''}${c.efficiency ? '\n      efficiency: 0.4' : ''}
policy: fifo
placement: first-fit
`;
}

/** The loader's answer: every template's keys and values, the reports and warnings; or its refusal. */
function load(c: Case, generic: boolean): unknown {
  const text = scenarioText(c);
  const readPieces = (path: string): TextPieces => {
    const pieces = readInputPieces(path);
    if (!generic) return pieces;
    // The importer's own rows, handed over as TraceJob objects: the loader's generic loop reads them.
    const mapping = c.milliColumn ? { submit: 'submit', duration: 'duration', devices: 'devices', gpu_milli: 'milli' } : { submit: 'submit', duration: 'duration', devices: 'devices' };
    const options = { source: 't.csv', seed: 5, includePending: false, mapping };
    const { jobRows, ...rest } = importTraceRows('csv', pieces, options);
    expect(jobRows).toBeInstanceOf(CsvRowReader);
    const objects = new JobArrayReader((jobRows as CsvRowReader).jobs());
    return { pieces: () => pieces.pieces(), prefetched: { key: importKey('csv', options), sha256: '', imported: { ...rest, jobRows: objects } } };
  };
  try {
    const r = loadScenario(text, file, { readPieces, baseDir: dir });
    return {
      jobs: r.jobs.map((j) => Object.entries(j).map(([k, v]) => [k, Object.is(v, -0) ? '-0' : v])),
      classes: r.jobs.map((j) => j.constructor.name),
      reports: r.traceReports,
      warnings: r.warnings,
    };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

const rowArb = fc.record({
  submit: fc.oneof(fc.constant('0'), fc.nat(1000).map(String), fc.double({ min: 0, max: 1e6, noNaN: true }).map(String), fc.constant('2e10')),
  duration: fc.oneof(fc.double({ min: 1e-6, max: 1e5, noNaN: true }).map(String), fc.nat(100).map(String), fc.constantFrom('5e9', '2e10', '0')),
  devices: fc.constantFrom('0.5', '0.25', '1', '2', '8', '32', '64'),
  milli: fc.constantFrom('', '250', '1000', '500'),
});

const caseArb = fc.record({
  rows: fc.array(rowArb, { minLength: 1, maxLength: 40 }),
  milliColumn: fc.boolean(),
  fixed: fc.boolean(),
  horizon: fc.boolean(),
  priority: fc.boolean(),
  efficiency: fc.boolean(),
});

function writeTrace(c: Case): void {
  const header = c.milliColumn ? 'submit,duration,devices,milli' : 'submit,duration,devices';
  const lines = c.rows.map((r) => (c.milliColumn ? `${r.submit},${r.duration},${r.devices},${r.milli}` : `${r.submit},${r.duration},${r.devices}`));
  writeFileSync(join(dir, 't.csv'), [header, ...lines].join('\n') + '\n');
}

describe("a CSV trace of numbers, read from the importer's columns", () => {
  it('gives the templates, reports, warnings and refusals of the generic loop', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        writeTrace(c);
        expect(load(c, false)).toStrictEqual(load(c, true));
      }),
      { numRuns: 150 },
    );
  });

  it('covers what the property relies on: a priority, shares, fixed run times, and both refusals', () => {
    const base = { milliColumn: true, fixed: true, horizon: false, priority: true, efficiency: true };
    const c: Case = { ...base, rows: [{ submit: '3', duration: '2.5', devices: '1', milli: '250' }, { submit: '0', duration: '7', devices: '8', milli: '' }] };
    writeTrace(c);
    const got = load(c, false) as { jobs: [string, unknown][][] };
    expect(got).toStrictEqual(load(c, true));
    const first = Object.fromEntries(got.jobs[0]!);
    expect(first).toMatchObject({ name: 'job-2', submitS: 0, devices: 8, priority: 3, efficiency: 0.4, fixedRuntimeS: 7 });
    expect(Object.fromEntries(got.jobs[1]!)).toMatchObject({ name: 'job-1', milli: 250, fixedRuntimeS: 2.5 });
    for (const [duration, words] of [
      ['2e10', "t.csv:3: job 'job-2': its duration is 20000000000 s"],
      ['5e9', "t.csv:3: job 'job-2' would end at about"],
    ] as const) {
      const bad: Case = { ...base, fixed: false, rows: [c.rows[0]!, { ...c.rows[1]!, duration }] };
      writeTrace(bad);
      const refused = load(bad, false) as { refused: string };
      expect(refused.refused).toContain(words);
      expect(refused).toStrictEqual(load(bad, true));
    }
  });
});
