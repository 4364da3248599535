// Fields of trace files read as numbers and calendar times: what JavaScript's Number() and
// Date.UTC() would accept but a trace never means. '0x10' was read as 16 prompt tokens (or devices),
// '2023-02-30' as 2 March, and a Philly '0' among calendar times as 1970, each row kept with a
// wrong value and no word.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTraces } from '../src/cli/io.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { parsePhilly } from '../src/scenario/traces/philly.js';
import { parseFiniteNumber, parseUtcTimestampS } from '../src/scenario/traces/csv-reader.js';
import { toyScenario } from './inference-helpers.js';

describe('numbers in trace fields', () => {
  it('are decimal: hexadecimal, binary and octal literals are not numbers', () => {
    for (const s of ['0x10', '0X1F', '0b11', '0B1', '0o7', '0O17']) expect(parseFiniteNumber(s), s).toBeUndefined();
    expect(['12', ' 12 ', '0', '0.5', '.5', '5.', '+7', '-3', '1e3', '1E-3', '007', '0e0'].map(parseFiniteNumber)).toEqual([12, 12, 0, 0.5, 0.5, 5, 7, -3, 1000, 0.001, 7, 0]);
  });

  it('a request trace row with one is skipped and counted, not read as 16 prompt tokens', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n1,0x10,10\n';
    const r = loadScenario(toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 100 }), 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });
    expect([...r.services[0]!.streams[0]!.trace!.promptTokens]).toEqual([100]);
    expect(r.warnings[0]!.message).toMatch(/1 of 2 rows skipped: 1 row with a bad timestamp or token count \(first at reqs\.csv:3: column prompt_tokens: expected a positive whole count, got "0x10"\)/);
  });

  it('a job trace row with one is skipped as bad devices, not run on 2 GPUs', () => {
    const t = parseGenericCsv('submit,duration,gpus\n0,100,1\n5,100,0x2\n', { submit: 'submit', duration: 'duration', devices: 'gpus' });
    expect(t.jobs.map((j) => j.devices)).toEqual([1]);
    expect(t.skipped).toEqual([{ line: 3, reason: 'bad devices', detail: '0x2', column: 'gpus' }]);
  });
});

describe('calendar times in trace fields', () => {
  it('a day its month does not have is not a time (2023-02-30 was read as 2023-03-02)', () => {
    for (const s of ['2023-02-30 00:00:00', '2023-02-29', '2023-04-31T12:00:00Z', '2100-02-29 00:00']) expect(parseUtcTimestampS(s), s).toBeUndefined();
    expect(parseUtcTimestampS('2024-02-29 00:00:00')).toBe(Date.UTC(2024, 1, 29) / 1000);
    expect(parseUtcTimestampS('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 1000);
  });

  it('every real date and time reads as Date does (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), (d) => {
        const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
        expect(parseUtcTimestampS(iso)).toBeCloseTo(d.getTime() / 1000, 3);
        expect(parseUtcTimestampS(iso.slice(0, 10))).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000);
      }),
    );
  });

  it('an Azure-format request trace row on 30 February is skipped and counted', () => {
    const csv = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-28 23:59:59.0000000,100,10\n2023-02-30 00:00:00.0000000,100,10\n2023-03-01 00:00:01.0000000,100,10\n';
    const r = loadScenario(toyScenario({ arrival: '{ process: trace, format: azure-llm, file: reqs.csv }', count: 100 }), 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });
    expect([...r.services[0]!.streams[0]!.trace!.timeS]).toEqual([0, 2]);
    expect(r.warnings[0]!.message).toMatch(/1 of 3 rows skipped: 1 row with a bad TIMESTAMP or token count \(first at reqs\.csv:3:/);
  });
});

// A Philly timestamp is a calendar time or a bare number read as Unix seconds. One stray '0' among
// calendar times was 1 January 1970: the origin, so every other job was submitted 17,400 days (47.7
// years) into the run. A file now has one form, the one most of its rows use.
describe('Philly timestamps of two forms in one file', () => {
  it('keeps the form most rows use and skips the others as bad timestamps, with their line', () => {
    const t = parsePhilly('timestamp,duration,num_gpus\n2017-10-03 14:00:00,100,1\n0,100,1\n2017-10-03 14:01:00,100,2\n', { source: 'ph.csv' });
    expect(t.jobs.map((j) => [j.id, j.submitS])).toEqual([
      ['philly-1', 0],
      ['philly-3', 60],
    ]);
    expect(t.skipped).toEqual([{ line: 3, reason: 'bad timestamp', detail: '0 (a number among calendar times)' }]);
    const u = parsePhilly('timestamp,duration,num_gpus\n1507039200,100,1\n2017-10-03 14:00:00,100,1\n1507039260,100,2\n', { source: 'ph.csv' });
    expect(u.jobs.map((j) => [j.id, j.submitS])).toEqual([
      ['philly-1', 0],
      ['philly-3', 60],
    ]);
    expect(u.skipped).toEqual([{ line: 3, reason: 'bad timestamp', detail: '2017-10-03 14:00:00 (a calendar time among Unix seconds)' }]);
  });

  it('reads a file of one form as before', () => {
    expect(parsePhilly('timestamp,duration,num_gpus\n100,10,1\n40,10,1\n').jobs.map((j) => j.submitS)).toEqual([0, 60]);
    expect(parsePhilly('timestamp,duration,num_gpus\n2017-10-03 14:00:10,10,1\n2017-10-03 14:00:00,10,1\n').jobs.map((j) => j.submitS)).toEqual([0, 10]);
  });
});

describe('trace options the format has nothing for', () => {
  // Both ran as if absent: a Philly or csv trace has no never-scheduled rows to keep (a Philly row
  // without a duration stayed skipped as 'bad duration'), and no GPU-model column to map.
  const csv = 'timestamp,duration,num_gpus\n2017-10-03 09:00:00,1800,4\n2017-10-03 09:30:00,,4\n';
  const scenario = (trace: string): string => `name: t
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: V100-SXM2-32GB }]
workloads:
  - trace: { format: philly, path: t.csv, reference_device: V100-SXM2-32GB${trace} }
`;
  const load = (trace: string) => loadScenario(scenario(trace), 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });

  it('include_pending outside alibaba-openb is refused', () => {
    expect(() => load(', include_pending: true')).toThrow(/s\.yaml:6:\d+: workloads\[0\]\.trace\.include_pending: only an alibaba-openb pod list has never-scheduled pods to keep/);
    expect(load(', include_pending: false').jobs).toHaveLength(1);
  });

  it('device_map without a GPU-model column is refused', () => {
    expect(() => load(', device_map: { V100: V100-SXM2-32GB }')).toThrow(/workloads\[0\]\.trace\.device_map: a philly trace has no GPU-model column/);
    const generic = `name: t
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: V100-SXM2-32GB }]
workloads:
  - trace: { format: csv, path: t.csv, reference_device: V100-SXM2-32GB, device_map: { V100: V100-SXM2-32GB }, mapping: { submit: timestamp, duration: duration, devices: num_gpus, time_format: iso } }
`;
    expect(() => loadScenario(generic, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' })).toThrow(/workloads\[0\]\.trace\.device_map: a csv trace has no GPU-model column unless its mapping names one \(`allowed_models`\)/);
  });
});

describe('the column a skipped row was refused for', () => {
  // A csv mapping's reasons name the mapping's keys ('bad devices', 'non-positive duration') while the
  // file names its columns itself ('gpus', 'runtime_min', 'stop'): the report said 'bad devices (first
  // at line 3: "x")' with no word of which column held the "x", and a trace that left no job to run
  // said only '(first at line 3)', without the value either.
  const yaml = `name: cols
seed: 1
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 2, device: H100 }]
workloads:
  - trace:
      format: csv
      path: t.csv
      reference_device: H100
      mapping: { submit: t0, duration: runtime_min, end: stop, devices: gpus, instances: workers, time_unit: min }
`;
  const csv = ['t0,runtime_min,stop,gpus,workers', '0,5,,x,1', '1,-2,,1,1', '2,,oops,1,1', '3,5,,1,0', 'zz,5,,1,1', '4,,3,1,1'].join('\n');
  const read = (text: string) => loadScenario(yaml, 's.yaml', { readFile: () => text, baseDir: '/t' });

  it('names the column of each reason where the file holds it, in the run report', () => {
    let message = '';
    try {
      read(csv);
    } catch (e) {
      message = (e as InputError).issues.map((i) => i.message).join('\n');
    }
    expect(message).toBe(
      'the trace gives no job to run: of its 6 rows, 1 row: bad devices (first at line 2, column gpus: "x"); 2 rows: non-positive duration (first at line 3: "-120 s from runtime_min -2 (min)"); 1 row: bad end (first at line 4, column stop: "oops", expected a number in min); 1 row: bad instances (first at line 5, column workers: "0"); 1 row: bad submit (first at line 6, column t0: "zz", expected a number in min)',
    );
    // With one good row the run goes ahead, and its report (stderr) names the columns too.
    const r = read(`${csv}\n9,5,,1,1`);
    expect(describeTraces(r.traceReports)).toBe(
      '  trace t.csv: 7 rows, 1 job used; 1 row: bad devices (first at line 2, column gpus: "x"); 2 rows: non-positive duration (first at line 3: "-120 s from runtime_min -2 (min)"); 1 row: bad end (first at line 4, column stop: "oops", expected a number in min); 1 row: bad instances (first at line 5, column workers: "0"); 1 row: bad submit (first at line 6, column t0: "zz", expected a number in min)\n',
    );
    // The second non-positive duration was read from the end column, less the submit time. The run
    // time is computed, not read: it was quoted as if it were the cell of the column it came from
    // (runtime_min "-120" where the file holds -2; stop "-60" where it holds 3), so it is now said
    // as computed, in seconds, with the cells it came from.
    expect(parseGenericCsv(csv, { submit: 't0', duration: 'runtime_min', end: 'stop', devices: 'gpus', instances: 'workers', time_unit: 'min' }).skipped.at(-1)).toEqual({ line: 7, reason: 'non-positive duration', detail: '-60 s from stop 3 - t0 4 (min)' });
    // With a start column, from end - start.
    const started = parseGenericCsv('t0,begin,stop,gpus\n0,5,5,1\n0,5,6,1\n', { submit: 't0', start: 'begin', end: 'stop', devices: 'gpus' });
    expect(started.skipped).toEqual([{ line: 2, reason: 'non-positive duration', detail: '0 s from stop 5 - begin 5 (s)' }]);
  });
});
