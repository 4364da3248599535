// Unix times in a unit other than the one they are read in: epoch milliseconds read as seconds put
// a trace in the year 55,000, every gap between submissions 1,000 times too long, and nothing in
// the replay's numbers says so (the pool merely looks idle). Such a row is skipped as a bad time,
// with the year and the unit that reads it.
import { describe, expect, it } from 'vitest';
import { describeFirstSkipped, firstSkippedOf } from '../src/scenario/traces/first-skipped.js';
import { parseGenericCsv, type CsvMapping } from '../src/scenario/traces/generic-csv.js';
import { parsePhilly } from '../src/scenario/traces/philly.js';
import { lateUnixTime } from '../src/scenario/traces/unix-time.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { toyScenario } from './inference-helpers.js';

// Submit and end as epoch milliseconds (a Kubernetes or MLflow export): 2023-11-14T22:13:20Z on.
const MS = ['job,submit_ms,end_ms,gpus', 'a,1700000000000,1700000600000,8', 'b,1700000060000,1700000120000,1'].join('\n');
const mapping: CsvMapping = { submit: 'submit_ms', end: 'end_ms', devices: 'gpus', id: 'job', time_format: 'unix' };

describe('time_format unix', () => {
  it('epoch milliseconds read as seconds are skipped as bad submits, with the year and time_unit: ms', () => {
    // Read as seconds, job b was submitted 60,000 s after a (not 60 s) and ran 60,000 s (not 60 s).
    const t = parseGenericCsv(MS, mapping, { source: 't.csv' });
    expect(t.jobs).toEqual([]);
    expect(t.skippedByReason).toEqual({ 'bad submit': 2 });
    expect(describeFirstSkipped(firstSkippedOf(t.skipped)['bad submit'])).toBe(
      ' (first at line 2, column submit_ms: "1700000000000", expected a Unix time in s, before 2200 (1700000000000 s is the year 55,840; in ms it is 2023-11-14: set the mapping\'s time_unit: ms))',
    );
  });

  it('with time_unit: ms they are read as written', () => {
    const t = parseGenericCsv(MS, { ...mapping, time_unit: 'ms' }, { source: 't.csv' });
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual([
      ['a', 0, 600, 8],
      ['b', 60, 60, 1],
    ]);
    expect(t.skipped).toEqual([]);
  });

  it('an end after 2200 is a bad end; epoch seconds to 2199 and offsets from the trace start are read', () => {
    const text = ['job,s,e,gpus', 'a,1700000000,1700003600,1', 'b,1700000000,1700000000000,1', 'c,7258118399,7258118400,1', 'd,0,60,1'].join('\n');
    const t = parseGenericCsv(text, { submit: 's', end: 'e', devices: 'gpus', id: 'job', time_format: 'unix' }, { source: 't.csv' });
    expect(t.jobs.map((j) => j.id)).toEqual(['d', 'a']);
    expect(t.skippedByReason).toEqual({ 'bad end': 2 });
  });

  it('the unit offered is one that puts the time from 1971 to 2200, or none', () => {
    expect(lateUnixTime(1.7e15, 's')?.better).toEqual({ unit: 'us', date: '2023-11-14' });
    expect(lateUnixTime(1.7e15, 'ms')?.better).toEqual({ unit: 'us', date: '2023-11-14' });
    // Nanoseconds (pandas' datetime64 as integers): no unit poolsim reads puts them in range.
    expect(lateUnixTime(1.7e18, 's')).toEqual({ year: 53_870_857_431 });
    expect(lateUnixTime(1.7e9, 's')).toBeUndefined();
  });
});

describe('format philly: a number timestamp is Unix seconds', () => {
  it('epoch milliseconds are bad timestamps, said with the date they would be in ms', () => {
    const text = ['timestamp,duration,num_gpus,gpu_time,cluster', '1507532515000,66.0,1,66.0,11cb48', '1507529583000,2951.0,1,2951.0,6214e9'].join('\n');
    const t = parsePhilly(text, { source: 'p.csv' });
    expect(t.jobs).toEqual([]);
    expect(t.skippedByReason).toEqual({ 'bad timestamp': 2 });
    expect(t.skipped[0]!.detail).toBe('1507532515000 s is the year 49,741; in ms it is 2017-10-09; format philly reads numbers as Unix seconds');
    const seconds = ['timestamp,duration,num_gpus,gpu_time,cluster', '1507532515,66.0,1,66.0,11cb48', '1507529583,2951.0,1,2951.0,6214e9'].join('\n');
    expect(parsePhilly(seconds, { source: 'p.csv' }).jobs.map((j) => j.submitS)).toEqual([0, 2932]);
  });
});

describe('a request trace time past 2200 as a Unix time', () => {
  // Epoch milliseconds 20 ms apart, read as seconds: 20 s apart, under the minute the time-unit
  // warning looks for, so a load 1,000 times lighter was replayed with no word.
  const rows = Array.from({ length: 150 }, (_, i) => JSON.stringify({ timestamp: 1_717_000_000_000 + 20 * i, input_length: 1000, output_length: 100 })).join('\n') + '\n';
  const arrival = (extra = ''): string => `{ process: trace, file: t.jsonl${extra}, columns: { time: timestamp, prompt_tokens: input_length, output_tokens: output_length } }`;
  const load = (extra = '') => loadScenario(toyScenario({ arrival: arrival(extra), count: 1_000_000 }), 'dir/s.yaml', { readFile: () => rows, baseDir: 'dir' });

  it('is a bad row, said with the year and the time_unit that reads it; every row so, the trace is refused', () => {
    let message = '';
    try {
      load();
    } catch (e) {
      message = e instanceof InputError ? e.issues.map((i) => i.message).join('\n') : String(e);
    }
    expect(message).toContain(
      '150 of 150 rows skipped: 150 rows with a bad timestamp or token count (first at t.jsonl:1: column timestamp: expected a number in s before 2200 as a Unix time, got "1717000000000": 1717000000000 s is the year 56,379; in ms it is 2024-05-29: set the stream\'s time_unit: ms)',
    );
  });

  it('with time_unit: ms the requests are 20 ms apart', () => {
    const t = load(', time_unit: ms').services[0]!.streams[0]!.trace!;
    expect([t.timeS.length, Math.round(t.timeS[149]! * 1e6) / 1e6]).toEqual([150, 2.98]);
  });
});

describe('time_format seconds', () => {
  it('raw epoch milliseconds are bad submits too: the earliest subtracted, their gaps read 1,000 times too long passed unseen', () => {
    const t = parseGenericCsv(MS, { ...mapping, time_format: 'seconds' }, { source: 't.csv' });
    expect(t.jobs).toEqual([]);
    expect(describeFirstSkipped(firstSkippedOf(t.skipped)['bad submit'])).toBe(
      ' (first at line 2, column submit_ms: "1700000000000", expected a number in s, before 2200 as a Unix time (1700000000000 s is the year 55,840; in ms it is 2023-11-14: set the mapping\'s time_unit: ms))',
    );
  });
});
