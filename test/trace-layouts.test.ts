// Delimited traces beyond comma-separated files with a header: tab- and semicolon-separated files,
// files without a header line (columns by number), and `trace inspect --mapping` reading them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { poolsim } from './helpers.js';

const COMMA = 'id,t,gpus,secs\na,0,1,10\nb,5,2,20\nc,9,"4",30\n';

describe('trace layouts', () => {
  const base = { submit: 't', devices: 'gpus', duration: 'secs', id: 'id' };
  const jobs = (text: string, mapping: Record<string, unknown>) => parseGenericCsv(text, { ...base, ...mapping } as never, { source: 'x' }).jobs.map((j) => [j.id, j.submitS, j.devices, j.durationS]);
  const want = [
    ['a', 0, 1, 10],
    ['b', 5, 2, 20],
    ['c', 9, 4, 30],
  ];

  it('reads the same jobs from comma-, tab-, semicolon-separated and headerless files', () => {
    expect(jobs(COMMA, {})).toEqual(want);
    expect(jobs(COMMA.replaceAll(',', '\t'), { delimiter: 'tab' })).toEqual(want);
    expect(jobs(COMMA.replaceAll(',', ';'), { delimiter: 'semicolon' })).toEqual(want);
    // No header: columns by number; the first line is a job.
    const headerless = COMMA.split('\n').slice(1).join('\n');
    expect(jobs(headerless, { header: false, id: '1', submit: '2', devices: '3', duration: '4' })).toEqual(want);
  });

  it('a tab-separated file read as commas says so', () => {
    expect(() => jobs(COMMA.replaceAll(',', '\t'), {})).toThrow(/missing columns 't' \(for submit\).*the file looks tab-separated: set the mapping's `delimiter: tab`/);
  });

  it('columns given by number with a header line expected say to set header: false', () => {
    // The PAI task table has no header line: its first task was read as one, every column missing.
    const headerless = COMMA.split('\n').slice(1).join('\n');
    expect(() => jobs(headerless, { id: '1', submit: '2', devices: '3', duration: '4' })).toThrow(
      // '1' (for id) is found: the first task's third field holds 1.
      "x:1: missing columns '2' (for submit), '3' (for devices), '4' (for duration); the header has: a, 0, 1, 10; columns given by number are read with the mapping's `header: false` (a file without a header line)",
    );
    // A name that is not a number is a name: no such hint.
    expect(() => jobs(headerless, { id: '1', submit: 'when' })).toThrow(/the header has: a, 0, 1, 10$/);
  });

  it('a column the header names twice is refused, whichever way its case is written', () => {
    // The first 'gpus' was read, silently: 8 devices where the other column said 2.
    const twice = 'id,t,gpus,secs,gpus\na,0,8,10,2\n';
    expect(() => jobs(twice, {})).toThrow("x:1: column 'gpus' (for devices) is in the header 2 times (fields 3, 5): rename all but one");
    // Matched ignoring case when nothing matches exactly: 'Gpus' finds both GPUS and gpus.
    expect(() => jobs(twice.replace('gpus', 'GPUS'), { devices: 'Gpus' })).toThrow('fields 3, 5');
    // An exact match among case variants is no guess; a twin of a column not read does not matter.
    expect(jobs('id,t,gpus,secs,GPUS,note,note\na,0,1,10,2,x,y\n', {})).toEqual([['a', 0, 1, 10]]);
  });

  it('trace inspect reads a TSV through --mapping, and refuses a csv without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-tsv-'));
    const file = join(dir, 'jobs.tsv');
    writeFileSync(file, COMMA.replaceAll(',', '\t'));
    const ok = poolsim('trace', 'inspect', file, '--format', 'csv', '--mapping', '{submit: t, devices: gpus, duration: secs, id: id, delimiter: tab}');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('rows       3: 3 jobs, 0 skipped');
    const none = poolsim('trace', 'inspect', file, '--format', 'csv');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--format csv needs the column mapping');
    const bad = poolsim('trace', 'inspect', file, '--format', 'csv', '--mapping', '{submit: t, devices: gpus, duration: secs, delimiter: tabs}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('delimiter');
  });
});
